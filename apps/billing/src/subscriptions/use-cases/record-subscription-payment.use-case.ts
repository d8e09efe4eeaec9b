import { PlatformAccess } from '@lekha/access';
import { DomainError, SubscriptionOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { BillingEventRelay } from '../billing-events.js';
import { Subscriptions } from '../subscriptions.js';

type Op = typeof SubscriptionOps.recordPayment;

/**
 * Development and test: a payment outcome for the subscription's open invoice, exactly as the
 * payments module reports one through SubscriptionPaymentListener.
 */
@Handles(SubscriptionOps.recordPayment)
export class RecordSubscriptionPaymentUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly subscriptions: Subscriptions,
    private readonly relay: BillingEventRelay,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    try {
      const view = await this.platform.run(scope, async (data) => {
        const v = await this.subscriptions.paymentOutcome(data.tx, { ...q, at: new Date(q.at) });
        await data.record({ resource: { id: q.tenantId } });
        return v;
      });
      await this.relay.flushed();
      return view;
    } catch (err) {
      if (err instanceof DomainError)
        return this.platform.refuse(scope, { reason: err.reason ?? err.code, resource: { id: q.tenantId } }, err);
      throw err;
    }
  }
}
