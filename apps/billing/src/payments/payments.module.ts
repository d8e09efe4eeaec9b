import { Module } from '@nestjs/common';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { PAYMENT_OUTCOME_LISTENERS } from './payment-outcomes.js';
import { PaymentRecorder } from './payment-recorder.js';
import { PaymentRepository } from './payment.repository.js';
import { RazorpayAccount } from './razorpay-account.js';
import { CreatePaymentOrderUseCase } from './use-cases/create-payment-order.use-case.js';
import { ReceiveRazorpayWebhookUseCase } from './use-cases/receive-razorpay-webhook.use-case.js';
import { RefundPaymentUseCase } from './use-cases/refund-payment.use-case.js';
import { VerifyPaymentUseCase } from './use-cases/verify-payment.use-case.js';

/**
 * Razorpay payments of the platform's invoices: orders, Checkout's signature, webhooks, refunds. Whoever
 * needs to hear of outcomes (subscriptions) provides `PAYMENT_OUTCOME_LISTENERS` (an array) in place of
 * the empty default.
 */
@Module({
  imports: [InvoicesModule],
  providers: [
    { provide: PAYMENT_OUTCOME_LISTENERS, useValue: [] },
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
