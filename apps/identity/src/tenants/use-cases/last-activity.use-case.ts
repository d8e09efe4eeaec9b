import { AccessError, FeatureError, TenantOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';

type Op = typeof TenantOps.lastActivity;

const iso = (d: Date | string | null | undefined): number => (d ? new Date(d).getTime() : 0);

/**
 * A tenant's last activity, for compliance's inactivity erasure: the latest of its sign-ins (the login
 * history), its sessions' last use (every token refresh) and its creation; null for a tenant identity does
 * not know. Only a service asks; each tenant is read under its own row-level security and audited in it.
 */
@Handles(TenantOps.lastActivity)
export class LastActivityUseCase implements UseCase<Op> {
  constructor(private readonly data: IdentityData) {}

  async execute({ ctx }: OperationScope<Op>, { tenantIds }: { tenantIds: string[] }) {
    if (ctx.actorType !== 'service') {
      await this.data.record({
        action: 'read',
        resource: { type: 'tenant_activity', id: null },
        outcome: 'denied',
        reason: 'forbidden',
      });
      throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask for tenants’ activity');
    }
    const items: { tenantId: string; lastActivityAt: string | null }[] = [];
    for (const tenantId of [...new Set(tenantIds)]) {
      const [row] = await this.data.scoped(tenantId, (tx) =>
        tx.execute<{ created: Date | null; login: Date | null; seen: Date | null }[]>(
          `select (select created_at from identity.tenants where id = ?) as created,
                  (select max(created_at) from identity.login_events where tenant_id = ?) as login,
                  (select max(last_seen_at) from identity.sessions where tenant_id = ?) as seen`,
          [tenantId, tenantId, tenantId],
        ),
      );
      const last = Math.max(iso(row?.created), iso(row?.login), iso(row?.seen));
      items.push({ tenantId, lastActivityAt: last ? new Date(last).toISOString() : null });
      await this.data.record({
        action: 'read',
        resource: { type: 'tenant_activity', id: tenantId },
        tenantId,
        reason: 'inactivity_erasure',
      });
    }
    return { items };
  }
}
