import { Module } from '@nestjs/common';
import { PlatformEvents } from '@lekha/erasure';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { BillingClock } from './billing-clock.js';
import { BillingEventRelay, BillingEvents } from './billing-events.js';
import { Subscriptions } from './subscriptions.js';
import { SubscriptionTicker } from './subscription-ticker.js';
import { SubscriptionPaymentListener } from './subscription-payment.listener.js';
import { UsageMeter } from './usage.js';
import { UsageEventsFollower } from './usage-events.follower.js';
import { ListPlansUseCase } from './use-cases/list-plans.use-case.js';
import { GetSubscriptionUseCase } from './use-cases/get-subscription.use-case.js';
import { ChangeSubscriptionUseCase } from './use-cases/change-subscription.use-case.js';
import { CancelSubscriptionUseCase } from './use-cases/cancel-subscription.use-case.js';
import { UsageUseCase } from './use-cases/usage.use-case.js';
import { RecordUsageUseCase } from './use-cases/record-usage.use-case.js';
import { RecordSubscriptionPaymentUseCase } from './use-cases/record-subscription-payment.use-case.js';
import { TickSubscriptionsUseCase } from './use-cases/tick-subscriptions.use-case.js';

/** Plans, subscriptions and their lifecycle, usage metering, and the entitlement snapshots billing publishes. */
@Module({
  imports: [InvoicesModule],
  providers: [
    PlatformEvents,
    BillingClock,
    BillingEvents,
    BillingEventRelay,
    Subscriptions,
    SubscriptionTicker,
    SubscriptionPaymentListener,
    UsageMeter,
    UsageEventsFollower,
    ListPlansUseCase,
    GetSubscriptionUseCase,
    ChangeSubscriptionUseCase,
    CancelSubscriptionUseCase,
    UsageUseCase,
    RecordUsageUseCase,
    RecordSubscriptionPaymentUseCase,
    TickSubscriptionsUseCase,
  ],
  exports: [SubscriptionPaymentListener, BillingClock, Subscriptions],
})
export class SubscriptionsModule {}
