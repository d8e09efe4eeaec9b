import { randomUUID } from 'node:crypto';
import { CustomerInvoiceOps, InvoiceOps, LedgerOps, type OpInput } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { anonymousContext } from '@lekha/tenancy';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { CustomerPseudonymiser } from '../src/customer-invoices/customer-pseudonymiser.js';
import { InvoiceClock } from '../src/invoices/invoice-clock.js';
import { gstinIn } from '../src/invoices/test-parties.js';
import { startBilling } from './billing-harness.js';

type IssueInput = OpInput<typeof CustomerInvoiceOps.issue>;
const UTR = '612345678901';

/** A tenant's invoices to its own customers, payments against them, and a customer's erasure (real database). */
describe('billing: tenants invoice their own customers (use cases)', () => {
  let h: UseCaseHarness;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    h.app.get(Database).em().execute<T[]>(text, params);

  beforeAll(async () => {
    h = await startBilling();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A Maharashtra business (GSTIN when `registered`) with its invoice settings. */
  async function business(registered = true, prefix = 'MP'): Promise<Caller> {
    const owner = h.tenantCaller(['owner']);
    await h.call(
      CustomerInvoiceOps.putSettings,
      {
        legalName: 'MultiPMS Residency LLP',
        gstin: registered ? gstinIn('27', 'AAFFM1234Q') : null,
        address: { line1: '4 Carter Road', city: 'Mumbai', pin: '400050', stateCode: '27' },
        prefix,
        sac: '997212',
      },
      owner,
    );
    return owner;
  }

  const invoice = (customerId: string, stateCode = '27', gstin?: string): IssueInput => ({
    customerId,
    customer: {
      name: 'Asha Kulkarni',
      phone: '919812345678',
      ...(gstin ? { gstin } : {}),
      address: { line1: 'Room 4, 12 Hill Road', city: 'Mumbai', pin: '400050', stateCode },
    },
    lines: [{ description: 'Water cans, 20 L, December', quantity: 30, unitPricePaise: 4_500 }],
  });

  it('P60, P63: a GST invoice to a customer to the paisa, in the tenant’s own series, posted', async () => {
    const owner = await business();
    const customerId = randomUUID();
    const intra = await h.call(CustomerInvoiceOps.issue, invoice(customerId), owner);
    expect(intra).toMatchObject({
      type: 'invoice',
      documentType: 'tax_invoice',
      serial: expect.stringMatching(/^MP\/\d{2}-\d{2}\/00001$/),
      customerId,
      supplier: { legalName: 'MultiPMS Residency LLP', gstin: gstinIn('27', 'AAFFM1234Q') },
      recipient: { legalName: 'Asha Kulkarni', phone: '919812345678' },
      totals: { taxablePaise: 135_000, cgstPaise: 12_150, sgstPaise: 12_150, igstPaise: 0, totalPaise: 159_300 },
      lines: [expect.objectContaining({ sac: '997212' })],
      paidPaise: 0,
      duePaise: 159_300,
      pseudonymised: null,
    });
    const inter = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID(), '29', gstinIn('29')), owner);
    expect(inter.serial).toMatch(/^MP\/\d{2}-\d{2}\/00002$/);
    expect(inter.totals).toMatchObject({ cgstPaise: 0, sgstPaise: 0, igstPaise: 24_300, totalPaise: 159_300 });
    expect(inter.tax).toMatchObject({ supplyType: 'inter-state', placeOfSupply: { code: '29' } });

    // Posted: the customer's receivable owes the invoice value; sales and output tax credited.
    const balances = await h.call(LedgerOps.balances, { customerId }, owner);
    expect(balances.customers).toEqual([expect.objectContaining({ customerId, balancePaise: 159_300 })]);
    const accounts = await h.call(LedgerOps.listAccounts, {}, owner);
    expect(accounts.items.map((a) => a.code).sort()).toEqual(
      ['AR-' + customerId, 'AR-' + inter.customerId, 'OUT-CGST', 'OUT-IGST', 'OUT-SGST', 'SALES'].sort(),
    );
    expect(await h.call(LedgerOps.verify, {}, owner)).toMatchObject({ ok: true, entries: 2 });

    // Another business's series starts at 1 of its own.
    const other = await business(true, 'JM');
    const first = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), other);
    expect(first.serial).toMatch(/^JM\/\d{2}-\d{2}\/00001$/);
  });

  it('P60: a business without a GSTIN issues a bill of supply (no tax); without settings: 409', async () => {
    const owner = await business(false, 'B1');
    const bill = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), owner);
    expect(bill).toMatchObject({
      documentType: 'bill_of_supply',
      serial: expect.stringMatching(/^B1\/\d{2}-\d{2}\/00001$/),
      supplier: { gstin: null },
      totals: { taxablePaise: 135_000, taxPaise: 0, totalPaise: 135_000 },
    });
    const pdf = await h.call(CustomerInvoiceOps.pdf, { id: bill.id }, owner);
    expect(Buffer.from(pdf.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const bare = h.tenantCaller(['owner']);
    await expect(h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), bare)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'LEDGER_INVOICE_SETTINGS_MISSING',
    });
  });

  it('P63: a UPI payment with its UTR is posted and lowers what is due; more than due is refused', async () => {
    const owner = await business();
    const customerId = randomUUID();
    const inv = await h.call(CustomerInvoiceOps.issue, invoice(customerId), owner);
    const paid = await h.call(
      CustomerInvoiceOps.pay,
      { id: inv.id, amountPaise: 100_000, method: 'upi', utr: UTR },
      owner,
    );
    expect(paid).toMatchObject({
      paidPaise: 100_000,
      duePaise: 59_300,
      payments: [expect.objectContaining({ amountPaise: 100_000, method: 'upi', utr: UTR })],
    });
    const entries = await h.call(LedgerOps.listEntries, { customerId }, owner);
    expect(entries.items.at(-1)).toMatchObject({ upiReference: UTR, reason: expect.stringMatching(/^payment for/) });
    const balances = await h.call(LedgerOps.balances, { customerId }, owner);
    expect(balances.customers[0]).toMatchObject({ balancePaise: 59_300 });

    await expect(
      h.call(CustomerInvoiceOps.pay, { id: inv.id, amountPaise: 59_301, method: 'cash' }, owner),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'LEDGER_PAYMENT_EXCEEDS_DUE' });
    await expect(
      h.call(CustomerInvoiceOps.pay, { id: inv.id, amountPaise: 100, method: 'upi' }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const cash = await h.call(CustomerInvoiceOps.pay, { id: inv.id, amountPaise: 59_300, method: 'cash' }, owner);
    expect(cash.duePaise).toBe(0);

    // Another tenant's invoice is a 404, audited as denied.
    const stranger = await business();
    await expect(h.call(CustomerInvoiceOps.get, { id: inv.id }, stranger)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'LEDGER_INVOICE_NOT_FOUND',
    });
    expect(await h.auditRecords(stranger.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'not_found' }),
    );
  });

  it('P63: the customer’s name and contact sealed at rest; an accountant sees amounts, contact masked', async () => {
    const owner = await business();
    const inv = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), owner);
    const [stored] = await sql<{ document: unknown; recipient_enc: Buffer }>(
      'select document, recipient_enc from billing.customer_invoices where id = ?',
      [inv.id],
    );
    const plain = JSON.stringify(stored!.document) + Buffer.from(stored!.recipient_enc).toString('latin1');
    expect(plain).not.toContain('Asha');
    expect(plain).not.toContain('9812345678');
    expect(plain).not.toContain('Hill Road');

    const accountant = h.callerIn(owner.tenantId, ['accountant']);
    const seen = await h.call(CustomerInvoiceOps.get, { id: inv.id }, accountant);
    expect(seen.totals.totalPaise).toBe(159_300);
    expect(seen.recipient).toMatchObject({
      legalName: 'Asha Kulkarni',
      phone: '9*******5678',
      address: { line1: '***', city: 'Mumbai', stateCode: '27' },
    });
    expect(JSON.stringify(seen)).not.toContain('9812345678');
    const staff = h.callerIn(owner.tenantId, ['staff']);
    await expect(h.call(CustomerInvoiceOps.get, { id: inv.id }, staff)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('P63: erasing a customer pseudonymises their accounts and invoices; amounts stay, chain verifies', async () => {
    const owner = await business();
    const customerId = randomUUID();
    const inv = await h.call(CustomerInvoiceOps.issue, invoice(customerId), owner);
    await h.call(CustomerInvoiceOps.pay, { id: inv.id, amountPaise: 50_000, method: 'upi', utr: UTR }, owner);
    const erasure = { type: 'customer.erased' as const, eventId: randomUUID(), tenantId: owner.tenantId, customerId };
    const changed = await h
      .get(CustomerPseudonymiser)
      .pseudonymise({ ...erasure, occurredAt: new Date().toISOString() });
    expect(changed).toBe(2); // the receivable account and the invoice

    const after = await h.call(CustomerInvoiceOps.get, { id: inv.id }, owner);
    expect(after.customerId).not.toBe(customerId);
    expect(after).toMatchObject({
      recipient: { legalName: 'Erased customer', address: { stateCode: '27' } },
      totals: { totalPaise: 159_300 },
      paidPaise: 50_000,
      pseudonymised: { reason: expect.stringMatching(/72 months/) },
    });
    expect(JSON.stringify(after)).not.toContain('Asha');
    expect((await h.call(LedgerOps.listAccounts, { customerId }, owner)).items).toEqual([]);
    const pseudonymous = await h.call(LedgerOps.balances, { customerId: after.customerId }, owner);
    expect(pseudonymous.customers[0]).toMatchObject({ balancePaise: 109_300 });
    expect(await h.call(LedgerOps.verify, {}, owner)).toMatchObject({ ok: true, entries: 2, firstBroken: null });

    // Repeatable; and outside a pseudonymisation the rows stay append-only.
    expect(await h.get(CustomerPseudonymiser).pseudonymise({ ...erasure, occurredAt: new Date().toISOString() })).toBe(
      0,
    );
    await expect(
      sql('update billing.customer_invoices set recipient_enc = null where id = ?', [inv.id]),
    ).rejects.toThrow(/append-only/);
    await expect(sql('update billing.customer_invoices set total_paise = 1 where id = ?', [inv.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('P60: a platform credit note reverses an invoice once; over-crediting is refused; both are listed', async () => {
    const admin = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:admin'] });
    const owner = h.tenantCaller(['owner']);
    const issued = await h.call(
      InvoiceOps.issue,
      {
        tenantId: owner.tenantId,
        recipient: {
          legalName: 'Jal Mitra Water Services',
          gstin: gstinIn('29'),
          address: { line1: '1 Lake Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
        },
        lines: [{ description: 'Growth plan, December 2026', quantity: 1, unitPricePaise: 49_900 }],
      },
      admin,
    );
    await expect(
      h.call(InvoiceOps.creditNote, { id: issued.id, reason: 'refund', amountPaise: 58_883 }, admin),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'BILLING_CREDIT_EXCEEDS_INVOICE' });
    await expect(h.call(InvoiceOps.creditNote, { id: issued.id, reason: 'refund' }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const note = await h.call(InvoiceOps.creditNote, { id: issued.id, reason: 'refund', amountPaise: 58_882 }, admin);
    expect(note).toMatchObject({
      type: 'credit_note',
      original: { id: issued.id, serial: issued.serial },
      reason: 'refund',
      totals: { igstPaise: 8_982, totalPaise: 58_882 },
    });
    await expect(h.call(InvoiceOps.creditNote, { id: issued.id, reason: 'again' }, admin)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'BILLING_ALREADY_REVERSED',
    });
    const listed = await h.call(InvoiceOps.list, {}, owner);
    expect(listed.items.map((i) => [i.type, i.id])).toEqual([
      ['credit_note', note.id],
      ['invoice', issued.id],
    ]);
  });

  it('P60: the tenant’s series restarts on 1 April (IST) by the invoice clock', async () => {
    const owner = await business(true, 'FY');
    const clock = h.get(InvoiceClock);
    const real = clock.now.bind(clock);
    try {
      clock.now = () => new Date('2027-03-31T18:29:59.000Z'); // 31 March 23:59:59 IST
      const march = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), owner);
      clock.now = () => new Date('2027-03-31T18:30:00.000Z'); // 1 April 00:00 IST
      const april = await h.call(CustomerInvoiceOps.issue, invoice(randomUUID()), owner);
      expect([march.serial, march.financialYear, april.serial, april.financialYear]).toEqual([
        'FY/26-27/00001',
        '2026-27',
        'FY/27-28/00001',
        '2027-28',
      ]);
    } finally {
      clock.now = real;
    }
  });
});
