import { PaymentStatuses, type PaymentStatus } from '@lekha/contracts';
import { nextStatus, type PaymentHappening } from './payment-state.js';
import { parseRazorpayEvent, upiReferenceOf } from './razorpay-event.js';

const HAPPENINGS: PaymentHappening[] = ['authorized', 'paid', 'failed', 'refunded'];
const RANK: Record<PaymentStatus, number> = { created: 0, attempted: 1, failed: 1, paid: 2, refunded: 3 };

describe('payment order status', () => {
  it('never moves back, whatever the order of events', () => {
    for (const from of PaymentStatuses)
      for (const h of HAPPENINGS) {
        const to = nextStatus(from, h);
        if (to !== null) expect(RANK[to]).toBeGreaterThanOrEqual(RANK[from]);
      }
    // Every permutation of a captured payment's events ends paid; a late failure changes nothing.
    const events: PaymentHappening[][] = [
      ['authorized', 'paid', 'failed'],
      ['paid', 'authorized', 'failed'],
      ['failed', 'paid', 'authorized'],
      ['paid', 'failed', 'authorized'],
    ];
    for (const chain of events) {
      let s: PaymentStatus = 'created';
      for (const h of chain) s = nextStatus(s, h) ?? s;
      expect(s).toBe('paid');
    }
    expect(nextStatus('failed', 'paid')).toBe('paid');
    expect(nextStatus('created', 'refunded')).toBeNull();
    expect(nextStatus('refunded', 'paid')).toBeNull();
  });

  it('reads the UPI reference (12-digit RRN/UTR) and the order of an event', () => {
    expect(upiReferenceOf({ acquirer_data: { rrn: '123456789012' } })).toBe('123456789012');
    expect(upiReferenceOf({ acquirer_data: { rrn: null, upi_transaction_id: '987654321098' } })).toBe('987654321098');
    expect(upiReferenceOf({ acquirer_data: { rrn: 'abc', upi_transaction_id: 'f'.repeat(32) } })).toBeNull();
    const facts = parseRazorpayEvent(
      Buffer.from(
        JSON.stringify({
          event: 'payment.captured',
          created_at: 1_767_000_000,
          payload: {
            payment: {
              entity: { id: 'pay_A', order_id: 'order_B', method: 'upi', acquirer_data: { rrn: '000011112222' } },
            },
          },
        }),
      ),
    );
    expect(facts).toEqual({
      event: 'payment.captured',
      orderId: 'order_B',
      payment: { id: 'pay_A', method: 'upi', upiReference: '000011112222' },
      refund: null,
      at: new Date(1_767_000_000_000),
    });
    expect(() => parseRazorpayEvent(Buffer.from('not json'))).toThrow('not JSON');
  });
});
