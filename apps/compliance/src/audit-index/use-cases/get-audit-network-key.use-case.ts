import { AuditOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { AuditNetworkKeys, scopeOf } from '../audit-network-keys.js';

export interface AuditNetworkKeyView {
  /** Null once the tenant's key was destroyed (erasure): producers then record no network details. */
  kid: string | null;
  /** X25519 public key, SPKI DER in base64. */
  publicKey: string | null;
}

/**
 * The public key the gateway seals the caller's IP and user agent to: the caller's own tenant's (or the platform's).
 */
@Handles(AuditOps.networkKey)
export class GetAuditNetworkKeyUseCase implements UseCase<typeof AuditOps.networkKey> {
  constructor(private readonly keys: AuditNetworkKeys) {}

  async execute(scope: OperationScope): Promise<AuditNetworkKeyView> {
    const key = await this.keys.publicKeyFor(scopeOf(scope.ctx.tenantId));
    return key ? { kid: key.kid, publicKey: key.publicKey.toString('base64') } : { kid: null, publicKey: null };
  }
}
