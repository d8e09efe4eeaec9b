import { Injectable } from '@nestjs/common';
import { DomainError, type AuditAction } from '@lekha/contracts';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';

/**
 * Managing keys needs `api_keys:manage` (checked again after the gateway) and a person: a key
 * never creates, lists or revokes keys. A refusal is audited before the error.
 */
@Injectable()
export class ApiKeyAccess {
  constructor(private readonly data: IdentityData) {}

  async require(
    ctx: RequestContext,
    action: AuditAction,
    id: string | null,
  ): Promise<{ tenantId: string; actorId: string }> {
    const { tenantId, actorId } = ctx;
    if (ctx.actorType === 'user' && tenantId && actorId && contextHasPermission(ctx, 'api_keys:manage'))
      return { tenantId, actorId };
    await this.data.record({ action, resource: { type: 'api_key', id }, outcome: 'denied', reason: 'forbidden' });
    throw new DomainError('FORBIDDEN', 'your role does not allow managing API keys');
  }
}
