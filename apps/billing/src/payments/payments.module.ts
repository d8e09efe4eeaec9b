import { Module } from '@nestjs/common';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { SubscriptionPaymentListener } from '../subscriptions/subscription-payment.listener.js';
import { PAYMENT_OUTCOME_LISTENERS } from './payment-outcomes.js';
import { PaymentRecorder } from './payment-recorder.js';
import { PaymentRepository } from './payment.repository.js';
import { RazorpayAccount } from './razorpay-account.js';
import { CreatePaymentOrderUseCase } from './use-cases/create-payment-order.use-case.js';
import { ReceiveRazorpayWebhookUseCase } from './use-cases/receive-razorpay-webhook.use-case.js';
import { RefundPaymentUseCase } from './use-cases/refund-payment.use-case.js';
import { VerifyPaymentUseCase } from './use-cases/verify-payment.use-case.js';

/**
 * Razorpay payments of the platform's invoices: orders, Checkout's signature, webhooks, refunds. Outcomes
 * go to `PAYMENT_OUTCOME_LISTENERS`: subscriptions (a paid or failed renewal moves its subscription).
 */
@Module({
  imports: [InvoicesModule, SubscriptionsModule],
  providers: [
    {
      provide: PAYMENT_OUTCOME_LISTENERS,
      useFactory: (subscriptions: SubscriptionPaymentListener) => [subscriptions],
      inject: [SubscriptionPaymentListener],
    },
    PaymentRepository,
    PaymentRecorder,
    RazorpayAccount,
    CreatePaymentOrderUseCase,
    VerifyPaymentUseCase,
    ReceiveRazorpayWebhookUseCase,
    RefundPaymentUseCase,
  ],
  exports: [PaymentRepository, PaymentRecorder],
})
export class PaymentsModule {}
