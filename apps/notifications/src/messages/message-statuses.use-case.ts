import { AccessError, FeatureError, NotificationOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from './message.repository.js';

type Op = typeof NotificationOps.statuses;

/**
 * The status of a tenant's messages by ID, for a service that handed them over (compliance shows
 * each register notice's delivery). IDs and statuses only: no recipient, no text.
 */
@Handles(NotificationOps.statuses)
export class MessageStatusesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly service: ServiceTenantAccess,
    private readonly messages: MessageRepository,
  ) {}

  async execute(scope: OperationScope<Op>, { tenantId, ids }: { tenantId: string; ids: string[] }) {
    if (scope.ctx.actorType !== 'service')
      return this.access.refuse(
        scope,
        { reason: 'forbidden' },
        new FeatureError(AccessError.PermissionMissing, 'only a service may read message statuses by ID'),
      );
    const rows = await this.service.run(tenantId, async (data) => {
      const rows = await this.messages.statusesOf(data, ids);
      await data.record({ action: 'list', reason: `statuses_for_${scope.ctx.actorId ?? 'service'}`.slice(0, 60) });
      return rows;
    });
    return { items: rows.map((r) => ({ id: r.id, status: r.status, at: new Date(r.updated_at).toISOString() })) };
  }
}
