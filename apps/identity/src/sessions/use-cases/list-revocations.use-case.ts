import {} from '@nestjs/common';
import { SessionOps, type OpResponse } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase, InjectConfig } from '@lekha/runtime';
import type { IdentityConfig } from '../../config/identity.config.js';
import { IdentityData } from '../../data/identity-data.js';
import { SessionRepository } from '../session.repository.js';
import { ApiKeyRepository } from '../../api-keys/api-key.repository.js';
import { TenantErasureRepository } from '../../tenants/tenant-erasure.repository.js';

type Op = typeof SessionOps.revocations;

/**
 * For the gateway's revocation list: sessions revoked since a time. Without one, every revocation
 * young enough to matter (an access token lives ACCESS_TOKEN_TTL_SECONDS). Returns IDs only, and
 * is not audited: it reads no personal data, and it is polled every few seconds.
 */
@Handles(SessionOps.revocations)
export class ListRevocationsUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly erasures: TenantErasureRepository,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  async execute(_scope: OperationScope<Op>, { sinceMs }: { sinceMs?: number }): Promise<OpResponse<Op>> {
    const asOfMs = Date.now();
    const floor = asOfMs - (this.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    const since = new Date(Math.max(sinceMs ?? 0, floor));
    // A revoked API key's ID is the `sid` of its access tokens, so it travels with the sessions.
    const reader = this.data.reader();
    const sessionIds = [
      ...(await this.sessions.revokedSince(reader, since)),
      ...(await this.apiKeys.revokedSince(reader, since)),
    ];
    return {
      sessionIds,
      tenantIds: await this.erasures.erasedSince(reader, since),
      readOnlyTenants: await this.erasures.readOnly(reader),
      asOfMs,
    };
  }
}
