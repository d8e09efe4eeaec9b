import { PlatformAccess } from '@lekha/access';
import { SubscriptionOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { BillingEventRelay } from '../billing-events.js';
import { SubscriptionTicker } from '../subscription-ticker.js';

type Op = typeof SubscriptionOps.tick;

/** Development and test: runs the lifecycle tick at a given time (the billing clock of a test). */
@Handles(SubscriptionOps.tick)
export class TickSubscriptionsUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly ticker: SubscriptionTicker,
    private readonly relay: BillingEventRelay,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    const changed = await this.ticker.tick(new Date(q.at), q.tenantId);
    await this.platform.record(scope, { resource: { id: null } });
    await this.relay.flushed();
    return { changed };
  }
}
