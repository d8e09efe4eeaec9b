import { PlatformAccess } from '@lekha/access';
import {
  FeatureError,
  PaymentOps,
  WebhookError,
  type OpResponse,
  type PaymentStatus,
  type ReceiveRazorpayWebhook,
  uuidv7,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import { verifyRazorpayWebhook } from '@lekha/providers';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { PaymentOutcome } from '../payment-outcomes.js';
import { PaymentRecorder, type Happening } from '../payment-recorder.js';
import { PaymentRepository, type PaymentOrderRow } from '../payment.repository.js';
import { RazorpayAccount } from '../razorpay-account.js';
import { MalformedRazorpayEvent, parseRazorpayEvent, type RazorpayEventFacts } from '../razorpay-event.js';

type Op = typeof PaymentOps.receiveWebhook;

const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * `POST /v1/webhooks/razorpay`, forwarded whole by the gateway. `X-Razorpay-Signature` is checked over
 * the raw bytes with the webhook secret from configuration (never anything the body says), in constant
 * time; unverifiable → 401 `WEBHOOK_SIGNATURE_INVALID`, audited as denied, no effect. Then, in one short
 * transaction: the `x-razorpay-event-id` is taken (a unique row — a redelivery answers 200 with no second
 * effect), the order is locked and the event applied forward only (payment.authorized → attempted,
 * payment.captured / order.paid → paid, payment.failed → failed unless paid, refund.processed → the
 * refund recorded, refunded when in full); the UPI reference is sealed under the tenant's key. Listeners
 * hear of a new outcome after the commit.
 */
@Handles(PaymentOps.receiveWebhook)
export class ReceiveRazorpayWebhookUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly keyring: TenantKeyring,
    private readonly payments: PaymentRepository,
    private readonly recorder: PaymentRecorder,
    private readonly razorpay: RazorpayAccount,
  ) {}

  async execute(scope: OperationScope<Op>, input: ReceiveRazorpayWebhook): Promise<OpResponse<Op>> {
    const raw = Buffer.from(input.body, 'base64');
    if (!verifyRazorpayWebhook(this.razorpay.webhookSecrets, input.headers['x-razorpay-signature'], raw))
      return this.platform.refuse(
        scope,
        { resource: { id: null }, reason: 'signature_invalid_razorpay' },
        new FeatureError(WebhookError.SignatureInvalid, 'X-Razorpay-Signature does not verify'),
      );
    const eventId = input.headers['x-razorpay-event-id'];
    let facts: RazorpayEventFacts;
    try {
      if (!eventId || !EVENT_ID.test(eventId)) throw new MalformedRazorpayEvent('x-razorpay-event-id is missing');
      facts = parseRazorpayEvent(raw);
    } catch (err) {
      if (!(err instanceof MalformedRazorpayEvent)) throw err;
      return this.platform.refuse(
        scope,
        { resource: { id: null }, reason: 'malformed_razorpay' },
        new FeatureError(WebhookError.Malformed, err.message),
      );
    }
    // The tenant's key is loaded before the transaction (the embedded database has one connection).
    const cipher = facts.orderId ? await this.cipherForOrder(facts.orderId) : null;
    const applied = await this.platform.run(scope, async (data) => {
      if (!(await this.payments.takeEvent(data.tx, { eventId, event: facts.event, orderId: facts.orderId }))) {
        await data.record({ resource: { id: null }, reason: `duplicate_${eventId}` });
        return { duplicate: true, status: null, outcome: null };
      }
      const row = await this.orderOf(data.tx, facts);
      if (!row) {
        await data.record({ resource: { id: null }, reason: `not_ours_${facts.event}` });
        return { duplicate: false, status: null, outcome: null };
      }
      const happening = await this.happeningOf(data.tx, row, facts);
      let status: PaymentStatus = row.status;
      let outcome: PaymentOutcome | null = null;
      if (happening) ({ status, outcome } = await this.recorder.apply(data.tx, row, happening, cipher));
      await data.record({
        tenantId: row.tenant_id,
        resource: { type: 'payment', id: row.id },
        reason: `${facts.event}:${row.status}->${status}`,
        fields: [{ name: 'payment', category: 'user.financial' }],
      });
      return { duplicate: false, status, outcome };
    });
    await this.recorder.announce(applied.outcome);
    return { duplicate: applied.duplicate, status: applied.status };
  }

  private async orderOf(tx: Parameters<PaymentRepository['byId']>[0], facts: RazorpayEventFacts) {
    if (facts.orderId) return this.payments.byOrderId(tx, facts.orderId);
    if (facts.payment) return this.payments.byPaymentId(tx, facts.payment.id);
    return null;
  }

  private async happeningOf(
    tx: Parameters<PaymentRepository['byId']>[0],
    row: PaymentOrderRow,
    facts: RazorpayEventFacts,
  ): Promise<Happening | null> {
    const at = facts.at ?? new Date();
    switch (facts.event) {
      case 'payment.authorized':
        return { kind: 'authorized', at, payment: facts.payment };
      case 'payment.captured':
      case 'order.paid':
        return { kind: 'paid', at, payment: facts.payment };
      case 'payment.failed':
        return { kind: 'failed', at };
      case 'refund.processed': {
        if (!facts.refund) return null;
        await this.payments.insertRefund(tx, {
          id: uuidv7(),
          tenantId: row.tenant_id,
          orderId: row.id,
          refundId: facts.refund.id,
          amountPaise: facts.refund.amountPaise,
        });
        return { kind: 'refunded', at, refundedPaise: await this.payments.refundedPaise(tx, row.id) };
      }
      default:
        return null;
    }
  }

  private async cipherForOrder(razorpayOrderId: string): Promise<FieldCipher | null> {
    const tenantId = await this.payments.tenantOfOrder(razorpayOrderId);
    if (!tenantId) return null;
    try {
      const keys = await this.keyring.keysFor(tenantId, { create: false });
      return keys ? new FieldCipher(keys) : null;
    } catch (err) {
      if (err instanceof TenantKeysetDestroyedError) return null;
      throw err;
    }
  }
}
