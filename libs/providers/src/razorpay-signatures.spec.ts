import { randomBytes, randomInt } from 'node:crypto';
import Razorpay from 'razorpay';
import { validatePaymentVerification, validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';
import {
  razorpayCheckoutSignature,
  razorpayPaymentLinkSignature,
  razorpaySubscriptionSignature,
  razorpayWebhookSignature,
  verifyRazorpayCheckout,
  verifyRazorpayWebhook,
} from './razorpay-signatures.js';

const SECRET = 'EnLs21M47BllR3X8PSFtjtbd';

describe('Razorpay signatures: providers.md §5 vectors', () => {
  it('checkout: order_id|payment_id under the key secret', () => {
    const sig = '06d4c3582ac41457243dcf33c9724398f14731bac58ab52d1026e18c094cec3e';
    expect(razorpayCheckoutSignature(SECRET, 'order_EKwxwAgItmmXdp', 'pay_JRP3Y66cNcf2qF')).toBe(sig);
    expect(verifyRazorpayCheckout(SECRET, 'order_EKwxwAgItmmXdp', 'pay_JRP3Y66cNcf2qF', sig)).toBe(true);
  });

  it('subscription and payment-link variants (the SDK’s own test vectors)', () => {
    expect(razorpaySubscriptionSignature(SECRET, 'pay_IDZNwZZFtnjyym', 'sub_ID6MOhgkcoHj9I')).toBe(
      '601f383334975c714c91a7d97dd723eb56520318355863dcf3821c0d07a17693',
    );
    const link = {
      id: 'plink_IH3cNucfVEgV68',
      referenceId: 'TSsd1989',
      status: 'paid',
      paymentId: 'pay_IH3d0ara9bSsjQ',
    };
    expect(razorpayPaymentLinkSignature(SECRET, link)).toBe(
      '07ae18789e35093e51d0a491eb9922646f3f82773547e5b0f67ee3f2d3bf7d5b',
    );
  });

  it('webhook: HMAC of the raw body under the webhook secret (SDK test vector)', () => {
    const body = '{"a":1,"b":2,"c":{"d":3}}';
    const sig = '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc';
    expect(razorpayWebhookSignature('123456', body)).toBe(sig);
    expect(verifyRazorpayWebhook('123456', sig, Buffer.from(body))).toBe(true);
    // Re-serialising changes the bytes, and with them the signature: the raw body is what counts.
    expect(verifyRazorpayWebhook('123456', sig, JSON.stringify(JSON.parse(body), null, 1))).toBe(false);
  });

  it('refuses a wrong secret, another order, a changed body, a missing or truncated header', () => {
    const sig = razorpayCheckoutSignature(SECRET, 'order_A', 'pay_B');
    expect(verifyRazorpayCheckout('other', 'order_A', 'pay_B', sig)).toBe(false);
    expect(verifyRazorpayCheckout(SECRET, 'order_X', 'pay_B', sig)).toBe(false);
    expect(verifyRazorpayCheckout(SECRET, 'order_A', 'pay_B', undefined)).toBe(false);
    expect(verifyRazorpayCheckout(SECRET, 'order_A', 'pay_B', sig.slice(0, 63))).toBe(false);
    const w = razorpayWebhookSignature('whsec', '{"x":1}');
    expect(verifyRazorpayWebhook('whsec', w, '{"x":2}')).toBe(false);
    expect(verifyRazorpayWebhook('whsec', undefined, '{"x":1}')).toBe(false);
    expect(verifyRazorpayWebhook('whsec', w.toUpperCase(), '{"x":1}')).toBe(false);
  });

  it('after a rotation, a retry signed with the old secret still verifies while both are kept', () => {
    const body = '{"event":"payment.captured"}';
    const old = razorpayWebhookSignature('old-secret', body);
    expect(verifyRazorpayWebhook(['new-secret', 'old-secret'], old, body)).toBe(true);
    expect(verifyRazorpayWebhook(['new-secret'], old, body)).toBe(false);
  });
});

describe('Razorpay signatures agree with the official razorpay SDK', () => {
  it('validatePaymentVerification accepts our checkout signatures, and we accept its inputs', () => {
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(randomInt(8, 33)).toString('base64url');
      const orderId = `order_${randomBytes(7).toString('base64url')}`;
      const paymentId = `pay_${randomBytes(7).toString('base64url')}`;
      const ours = razorpayCheckoutSignature(secret, orderId, paymentId);
      expect(validatePaymentVerification({ order_id: orderId, payment_id: paymentId }, ours, secret)).toBe(true);
      expect(verifyRazorpayCheckout(secret, orderId, paymentId, ours)).toBe(true);
      const forged = ours.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      expect(validatePaymentVerification({ order_id: orderId, payment_id: paymentId }, forged, secret)).toBe(false);
      expect(verifyRazorpayCheckout(secret, orderId, paymentId, forged)).toBe(false);
    }
  });

  it('validateWebhookSignature (and Razorpay.validateWebhookSignature) accept our webhook signatures', () => {
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(randomInt(4, 33)).toString('hex');
      const body = JSON.stringify({
        entity: 'event',
        event: 'payment.captured',
        payload: { payment: { entity: { id: `pay_${i}`, amount: randomInt(100, 1e9), notes: { k: 'ü ₹ "q"' } } } },
        created_at: 1_767_225_600 + i,
      });
      const ours = razorpayWebhookSignature(secret, Buffer.from(body));
      expect(validateWebhookSignature(body, ours, secret)).toBe(true);
      expect(Razorpay.validateWebhookSignature(body, ours, secret)).toBe(true);
      expect(verifyRazorpayWebhook(secret, ours, Buffer.from(body))).toBe(true);
      expect(validateWebhookSignature(`${body} `, ours, secret)).toBe(false);
      expect(verifyRazorpayWebhook(secret, ours, `${body} `)).toBe(false);
    }
  });
});
