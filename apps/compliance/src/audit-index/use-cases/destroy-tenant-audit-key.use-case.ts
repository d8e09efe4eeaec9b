import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { AuditNetworkKeys, scopeOf } from '../audit-network-keys.js';

/**
 * Erasure of a tenant destroys its audit network key: the actors' IPs and user agents sealed to it
 * become unreadable everywhere (topic, index, backups) while the events and the chain stay intact.
 * The tenant's owner may do it for their own tenant, a platform admin for any tenant.
 */
@Injectable()
export class DestroyTenantAuditKeyUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keys: AuditNetworkKeys,
  ) {}

  async execute(ctx: RequestContext, input: { tenantId?: string }): Promise<{ tenantId: string; destroyed: boolean }> {
    const tenantId = input.tenantId ?? ctx.tenantId;
    const allowed =
      !!tenantId && (contextHasPermission(ctx, 'platform:keys:manage') || (contextHasPermission(ctx, 'tenant:keys:manage') && ctx.tenantId === tenantId));
    const resource = { type: 'audit_network_key', id: tenantId ?? null };
    if (!allowed) {
      await this.db.em().transactional((tx) => this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'forbidden' }));
      throw new DomainError('FORBIDDEN', 'only the tenant’s owner or a platform admin may destroy its audit network key');
    }
    const destroyed = await this.db.em().transactional(async (tx) => {
      const done = await this.keys.destroy(tx, scopeOf(tenantId));
      await this.audit.record(tx, { action: 'delete', resource, tenantId });
      return done;
    });
    return { tenantId: tenantId!, destroyed };
  }
}
