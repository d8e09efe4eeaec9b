import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@lekha/tenancy';
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
@Injectable()
export class GetAuditNetworkKeyUseCase {
  constructor(private readonly keys: AuditNetworkKeys) {}

  async execute(ctx: RequestContext): Promise<AuditNetworkKeyView> {
    const key = await this.keys.publicKeyFor(scopeOf(ctx.tenantId));
    return key ? { kid: key.kid, publicKey: key.publicKey.toString('base64') } : { kid: null, publicKey: null };
  }
}
