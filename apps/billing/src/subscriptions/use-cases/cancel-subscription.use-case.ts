import { PlatformAccess } from '@lekha/access';
import { DomainError, SubscriptionOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { BillingClock } from '../billing-clock.js';
import { BillingEventRelay } from '../billing-events.js';
import { Subscriptions } from '../subscriptions.js';
import { tenantOf } from '../tenant-of.js';

type Op = typeof SubscriptionOps.cancel;

/** The owner cancels at once (tenant.cancelled, reason owner) or at the period end (the tick cancels then). */
@Handles(SubscriptionOps.cancel)
export class CancelSubscriptionUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly subscriptions: Subscriptions,
    private readonly clock: BillingClock,
    private readonly relay: BillingEventRelay,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    const tenantId = await tenantOf(this.platform, scope);
    try {
      const view = await this.platform.run(scope, async (data) => {
        const v = await this.subscriptions.cancel(data.tx, tenantId, q.when, this.clock.now());
        await data.record({ resource: { id: tenantId } });
        return v;
      });
      await this.relay.flushed();
      return view;
    } catch (err) {
      if (err instanceof DomainError)
        return this.platform.refuse(scope, { reason: err.reason ?? err.code, resource: { id: tenantId } }, err);
      throw err;
    }
  }
}
