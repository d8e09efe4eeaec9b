import { Injectable } from '@nestjs/common';
import { AuditOutbox, type AccessRecord } from '@lekha/audit';
import type { Em } from '@lekha/persistence';
import { IdentityData } from '../data/identity-data.js';
import { ApiKeyRepository } from './api-key.repository.js';

export type KeyRevocationReason = 'password_reset' | 'revoke_others' | 'deactivated' | 'role_changed';

/**
 * Ends the API keys a person created when their account may have been taken over or their role
 * changes: a password reset, "sign out everywhere else", deactivation, a role change. A key made
 * with a stolen session would otherwise outlive every session the owner ends.
 */
@Injectable()
export class ApiKeyRevoker {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly repo: ApiKeyRepository,
  ) {}

  /**
   * In the caller's transaction: revokes and audits each key; returns their IDs (the `sid` of their
   * access tokens) for the gateways' revocation list. `who` names the actor when the context has none.
   */
  async revokeAllOf(
    tx: Em,
    tenantId: string,
    userId: string,
    reason: KeyRevocationReason,
    who: Pick<AccessRecord, 'tenantId' | 'actorId' | 'actorType'> = {},
  ): Promise<string[]> {
    // The keys' rows are under row-level security: the tenant is set for this transaction.
    await this.data.nameTenant(tx, tenantId);
    const ids = await this.repo.revokeAllCreatedBy(tx, tenantId, userId);
    const records = ids.map((id) => ({
      ...who,
      action: 'delete' as const,
      resource: { type: 'api_key', id },
      subjectIds: [userId],
      reason,
    }));
    if (records.length) await this.audit.record(tx, ...records);
    return ids;
  }
}
