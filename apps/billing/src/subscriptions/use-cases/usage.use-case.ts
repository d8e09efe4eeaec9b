import { PlatformAccess } from '@lekha/access';
import { SubscriptionOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { BillingClock } from '../billing-clock.js';
import { Subscriptions } from '../subscriptions.js';
import { UsageMeter, usageMonth } from '../usage.js';
import { tenantOf } from '../tenant-of.js';

type Op = typeof SubscriptionOps.usage;

/**
 * Usage this month per entitlement. Messages are metered here from events, storage from tenant-data's
 * readings (the bytes its documents hold now); customers and staff seats are counted where they live
 * (tenant-data, identity) at the point of use, so `used` is null for them.
 */
@Handles(SubscriptionOps.usage)
export class UsageUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly subscriptions: Subscriptions,
    private readonly meter: UsageMeter,
    private readonly clock: BillingClock,
  ) {}

  async execute(scope: OperationScope<Op>) {
    const tenantId = await tenantOf(this.platform, scope);
    const period = usageMonth(this.clock.now());
    return this.platform.run(scope, async (data) => {
      const sub = this.subscriptions.view(await this.subscriptions.find(data.tx, tenantId));
      const messages = await this.meter.total(data.tx, tenantId, 'messages', period.start, period.end);
      const storage = await this.meter.latest(data.tx, tenantId, 'storageBytes');
      const limits = sub.entitlements.limits;
      await data.record({ resource: { id: tenantId } });
      return {
        planKey: sub.planKey,
        period: { start: period.start.toISOString(), end: period.end.toISOString() },
        items: [
          { limit: 'customers' as const, used: null, max: limits.customers },
          { limit: 'staffSeats' as const, used: null, max: limits.staffSeats },
          { limit: 'messagesPerMonth' as const, used: messages, max: limits.messagesPerMonth },
          { limit: 'storageBytes' as const, used: storage, max: limits.storageBytes },
        ],
      };
    });
  }
}
