import { Injectable } from '@nestjs/common';
import { FeatureError } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { BillingEventRelay } from './billing-events.js';
import { Subscriptions } from './subscriptions.js';

/**
 * Listens to the payments module's outcomes (one of its PAYMENT_OUTCOME_LISTENERS): a paid or failed
 * order for a subscription's open invoice moves the subscription (grace on failure, active on payment).
 * An outcome for an invoice that is no subscription's open charge is not ours and is ignored.
 */
@Injectable()
export class SubscriptionPaymentListener {
  constructor(
    private readonly db: Database,
    private readonly subscriptions: Subscriptions,
    private readonly relay: BillingEventRelay,
    private readonly logger: AppLogger,
  ) {}

  async onPaymentOutcome(outcome: {
    tenantId: string;
    invoiceId: string;
    orderId: string;
    status: 'paid' | 'failed';
    amountPaise: number;
    at: Date;
  }): Promise<void> {
    try {
      await this.db.em().transactional((tx) => this.subscriptions.paymentOutcome(tx, outcome));
      await this.relay.flushed();
    } catch (err) {
      if (!(err instanceof FeatureError)) throw err;
      this.logger.pino.info({ orderId: outcome.orderId, reason: err.reason }, 'payment outcome is no subscription’s');
    }
  }
}
