import { Injectable } from '@nestjs/common';
import type { PaymentStatus, PaymentView } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import { Database, type Em } from '@lekha/persistence';

export interface PaymentOrderRow {
  id: string;
  tenant_id: string;
  invoice_id: string;
  razorpay_order_id: string;
  amount_paise: string | number;
  status: PaymentStatus;
  razorpay_payment_id: string | null;
  method: string | null;
  upi_ref_enc: Uint8Array | null;
  paid_at: Date | string | null;
  failed_at: Date | string | null;
  refunded_paise: string | number;
  credit_note_id: string | null;
}

const COLUMNS =
  'o.id, o.tenant_id, o.invoice_id, o.razorpay_order_id, o.amount_paise, o.status, o.razorpay_payment_id, ' +
  'o.method, o.upi_ref_enc, o.paid_at, o.failed_at, o.refunded_paise, ' +
  '(select c.id from billing.invoices c where c.reverses_id = o.invoice_id ' +
  'order by c.issued_at desc, c.series_number desc limit 1) as credit_note_id';

/** The field the UPI reference is sealed under (the tenant's key). */
export const UPI_REFERENCE_FIELD = 'payment_orders.upi_reference';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function paymentView(row: PaymentOrderRow, cipher: FieldCipher | null): PaymentView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    invoiceId: row.invoice_id,
    orderId: row.razorpay_order_id,
    paymentId: row.razorpay_payment_id,
    amountPaise: Number(row.amount_paise),
    status: row.status,
    method: row.method,
    upiReference: cipher && row.upi_ref_enc ? cipher.decrypt(UPI_REFERENCE_FIELD, row.upi_ref_enc) : null,
    paidAt: iso(row.paid_at),
    refundedPaise: Number(row.refunded_paise),
    creditNoteId: row.credit_note_id,
  };
}

/** What a Razorpay event or Checkout's answer changes on an order. */
export interface PaymentChange {
  status: PaymentStatus;
  paymentId?: string | null;
  method?: string | null;
  upiRefEnc?: Buffer | null;
  paidAt?: Date;
  failedAt?: Date;
  refundedPaise?: number;
}

/** Payment orders, the webhook events taken, refunds. Orders change only forward (the use cases decide). */
@Injectable()
export class PaymentRepository {
  constructor(private readonly db: Database) {}

  async insertOrder(
    tx: Em,
    o: { id: string; tenantId: string; invoiceId: string; razorpayOrderId: string; amountPaise: number },
  ): Promise<void> {
    await tx.execute(
      `insert into billing.payment_orders (id, tenant_id, invoice_id, razorpay_order_id, amount_paise, status)
       values (?, ?, ?, ?, ?, 'created') on conflict (invoice_id) do nothing`,
      [o.id, o.tenantId, o.invoiceId, o.razorpayOrderId, o.amountPaise],
    );
  }

  async byInvoice(tx: Em, invoiceId: string): Promise<PaymentOrderRow | null> {
    const rows = await tx.execute<PaymentOrderRow[]>(
      `select ${COLUMNS} from billing.payment_orders o where o.invoice_id = ?`,
      [invoiceId],
    );
    return rows[0] ?? null;
  }

  async byId(tx: Em, id: string, forUpdate = false): Promise<PaymentOrderRow | null> {
    const rows = await tx.execute<PaymentOrderRow[]>(
      `select ${COLUMNS} from billing.payment_orders o where o.id = ?` + (forUpdate ? ' for update' : ''),
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The tenant an order belongs to, before any tenant transaction (a webhook names only Razorpay's order
   * ID; the tenant's key opens what the event carries). Read outside row-level security on purpose.
   */
  async tenantOfOrder(razorpayOrderId: string): Promise<string | null> {
    const rows = await this.db
      .em()
      .execute<{ tenant_id: string }[]>(`select tenant_id from billing.payment_orders where razorpay_order_id = ?`, [
        razorpayOrderId,
      ]);
    return rows[0]?.tenant_id ?? null;
  }

  /** By Razorpay's order ID, locked for the rest of the transaction (events of one order queue here). */
  async byOrderId(tx: Em, razorpayOrderId: string): Promise<PaymentOrderRow | null> {
    const rows = await tx.execute<PaymentOrderRow[]>(
      `select ${COLUMNS} from billing.payment_orders o where o.razorpay_order_id = ? for update`,
      [razorpayOrderId],
    );
    return rows[0] ?? null;
  }

  async byPaymentId(tx: Em, razorpayPaymentId: string): Promise<PaymentOrderRow | null> {
    const rows = await tx.execute<PaymentOrderRow[]>(
      `select ${COLUMNS} from billing.payment_orders o where o.razorpay_payment_id = ? for update`,
      [razorpayPaymentId],
    );
    return rows[0] ?? null;
  }

  async update(tx: Em, id: string, c: PaymentChange): Promise<void> {
    const sets = ['status = ?', 'updated_at = now()'];
    const params: unknown[] = [c.status];
    const put = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (c.paymentId !== undefined) put('razorpay_payment_id', c.paymentId);
    if (c.method !== undefined) put('method', c.method);
    if (c.upiRefEnc !== undefined) put('upi_ref_enc', c.upiRefEnc);
    if (c.paidAt !== undefined) put('paid_at', c.paidAt.toISOString());
    if (c.failedAt !== undefined) put('failed_at', c.failedAt.toISOString());
    if (c.refundedPaise !== undefined) put('refunded_paise', c.refundedPaise);
    await tx.execute(`update billing.payment_orders set ${sets.join(', ')} where id = ?`, [...params, id]);
  }

  /** Takes a webhook event ID once: false when it was taken before (a redelivery). */
  async takeEvent(tx: Em, e: { eventId: string; event: string; orderId: string | null }): Promise<boolean> {
    const rows = await tx.execute<{ event_id: string }[]>(
      `insert into billing.payment_events (event_id, event, razorpay_order_id) values (?, ?, ?)
       on conflict (event_id) do nothing returning event_id`,
      [e.eventId, e.event, e.orderId],
    );
    return rows.length === 1;
  }

  /** Records a refund once (by Razorpay's refund ID): false when it was recorded before. */
  async insertRefund(
    tx: Em,
    r: { id: string; tenantId: string; orderId: string; refundId: string; amountPaise: number },
  ): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into billing.payment_refunds (id, tenant_id, payment_order_id, razorpay_refund_id, amount_paise)
       values (?, ?, ?, ?, ?) on conflict (razorpay_refund_id) do nothing returning id`,
      [r.id, r.tenantId, r.orderId, r.refundId, r.amountPaise],
    );
    return rows.length === 1;
  }

  /** The order's refunds that have no credit note yet, oldest first. */
  refundsWithoutCreditNote(
    tx: Em,
    orderId: string,
  ): Promise<{ razorpay_refund_id: string; amount_paise: string | number }[]> {
    return tx.execute(
      `select r.razorpay_refund_id, r.amount_paise from billing.payment_refunds r
       where r.payment_order_id = ?
         and not exists (select 1 from billing.refund_credit_notes n where n.razorpay_refund_id = r.razorpay_refund_id)
       order by r.created_at, r.id`,
      [orderId],
    );
  }

  /** Links a refund to the credit note it issued (once per refund, once per credit note). */
  async insertRefundCreditNote(tx: Em, r: { refundId: string; tenantId: string; creditNoteId: string }): Promise<void> {
    await tx.execute(
      `insert into billing.refund_credit_notes (razorpay_refund_id, tenant_id, credit_note_id) values (?, ?, ?)`,
      [r.refundId, r.tenantId, r.creditNoteId],
    );
  }

  async refundedPaise(tx: Em, orderId: string): Promise<number> {
    const rows = await tx.execute<{ total: string | number | null }[]>(
      `select coalesce(sum(amount_paise), 0) as total from billing.payment_refunds where payment_order_id = ?`,
      [orderId],
    );
    return Number(rows[0]?.total ?? 0);
  }
}
