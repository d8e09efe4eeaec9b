import { PlatformAccess } from '@lekha/access';
import { DomainError, SubscriptionOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { BillingClock } from '../billing-clock.js';
import { BillingEventRelay } from '../billing-events.js';
import { Subscriptions } from '../subscriptions.js';
import { tenantOf } from '../tenant-of.js';

type Op = typeof SubscriptionOps.change;

/**
 * Starts a trial or changes plan. An upgrade applies at once with a prorated GST invoice (issued in the
 * same transaction); a downgrade or interval change waits for the period end. The new entitlement
 * snapshot is published before the answer, so the caller's next request meets it.
 */
@Handles(SubscriptionOps.change)
export class ChangeSubscriptionUseCase implements UseCase<Op> {
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
        const v = await this.subscriptions.change(data.tx, tenantId, q, this.clock.now());
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
