import { TenantAccess } from '@lekha/access';
import { BillingError, FeatureError, PaymentOps, type OpRequest, type PaymentView } from '@lekha/contracts';
import { verifyRazorpayCheckout } from '@lekha/providers';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { PaymentOutcome } from '../payment-outcomes.js';
import { PaymentRecorder } from '../payment-recorder.js';
import { PaymentRepository, paymentView } from '../payment.repository.js';
import { RazorpayAccount } from '../razorpay-account.js';

type Op = typeof PaymentOps.verify;

type Checked =
  | { kind: 'missing' }
  | { kind: 'forged'; id: string }
  | { kind: 'ok'; view: PaymentView; outcome: PaymentOutcome | null };

/**
 * Checkout's answer: `razorpay_signature` must be HMAC-SHA256(key secret, `order_id|payment_id`) over the
 * order ID *we stored* for this tenant (the body's order ID only finds it, under row-level security) —
 * compared in constant time. Wrong → 400 `BILLING_PAYMENT_SIGNATURE_INVALID`, audited as denied, nothing
 * changed; another tenant's (or an unknown) order → 404 audited. Right → the payment is recorded and the
 * order is paid (forward only: a later `payment.failed` webhook does not undo it).
 */
@Handles(PaymentOps.verify)
export class VerifyPaymentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly payments: PaymentRepository,
    private readonly recorder: PaymentRecorder,
    private readonly razorpay: RazorpayAccount,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>): Promise<PaymentView> {
    const { keySecret } = this.razorpay.configured();
    const checked = await this.access.run<Checked>(scope, async (data) => {
      const row = await this.payments.byOrderId(data.tx, q.razorpay_order_id);
      if (!row || row.tenant_id !== data.tenantId) {
        await data.record({ resource: { id: null }, outcome: 'denied', reason: 'not_found' });
        return { kind: 'missing' };
      }
      if (!verifyRazorpayCheckout(keySecret, row.razorpay_order_id, q.razorpay_payment_id, q.razorpay_signature))
        return { kind: 'forged', id: row.id };
      const { outcome } = await this.recorder.apply(
        data.tx,
        row,
        { kind: 'paid', at: new Date(), payment: { id: q.razorpay_payment_id } },
        data.cipher,
      );
      await data.record({ resource: { id: row.id }, fields: [{ name: 'payment', category: 'user.financial' }] });
      const after = (await this.payments.byId(data.tx, row.id))!;
      return { kind: 'ok', view: paymentView(after, data.cipher), outcome };
    });
    if (checked.kind === 'missing') throw new FeatureError(BillingError.PaymentNotFound, 'no such payment order');
    if (checked.kind === 'forged')
      return this.access.refuse(
        scope,
        { resource: { id: checked.id }, reason: 'signature_invalid' },
        new FeatureError(
          BillingError.PaymentSignatureInvalid,
          'razorpay_signature does not verify for this order and payment',
          [{ path: 'razorpay_signature', message: 'does not verify' }],
        ),
      );
    await this.recorder.announce(checked.outcome);
    return checked.view;
  }
}
