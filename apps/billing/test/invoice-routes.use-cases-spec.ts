import { randomUUID } from 'node:crypto';
import { InvoiceOps, type OpInput } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { anonymousContext } from '@lekha/tenancy';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { InvoiceIssuer } from '../src/invoices/invoice-issuer.js';
import { gstinIn } from '../src/invoices/test-parties.js';
import { startBilling } from './billing-harness.js';

type IssueInput = OpInput<typeof InvoiceOps.issue>;

/** The tenant's read side of platform → tenant invoices, and the platform's issue (real database). */
describe('billing invoices: issue, list and read (use cases)', () => {
  let h: UseCaseHarness;
  beforeAll(async () => {
    h = await startBilling({ BILLING_INVOICE_PREFIX: 'UC', BILLING_SAC: '998315' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const admin = () => anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:admin'] });
  const request = (tenantId: string, stateCode: string, unitPricePaise = 49_900): IssueInput => ({
    tenantId,
    recipient: {
      legalName: `Jal Mitra Water Services ${stateCode}`,
      gstin: gstinIn(stateCode),
      address: { line1: '12 MG Road', city: 'Somewhere', pin: '560001', stateCode },
    },
    lines: [{ description: 'Growth plan, December 2026', quantity: 1, unitPricePaise }],
  });

  it('P60: a platform admin issues intra-state (CGST+SGST) and inter-state (IGST) invoices to the paisa', async () => {
    const owner = h.tenantCaller(['owner']);
    const intra = await h.call(InvoiceOps.issue, request(owner.tenantId, '27'), admin());
    const inter = await h.call(InvoiceOps.issue, request(owner.tenantId, '29'), admin());
    expect(intra).toMatchObject({
      type: 'invoice',
      serial: expect.stringMatching(/^UC\/\d{2}-\d{2}\/\d{5}$/),
      supplier: { legalName: 'Lekha Software Private Limited', gstin: '27AAPFU0939F1ZV' },
      totals: { taxablePaise: 49_900, cgstPaise: 4_491, sgstPaise: 4_491, igstPaise: 0, totalPaise: 58_882 },
      lines: [expect.objectContaining({ sac: '998315' })],
    });
    expect(inter).toMatchObject({
      totals: { taxablePaise: 49_900, cgstPaise: 0, sgstPaise: 0, igstPaise: 8_982, totalPaise: 58_882 },
      tax: { rule: expect.stringMatching(/Inter-state supply.*Karnataka \(29\); IGST levied/) },
    });
    const n = (s: string) => Number(s.split('/')[2]);
    expect(n(inter.serial)).toBe(n(intra.serial) + 1);
  });

  it('P60: a tenant caller may not issue; a bad GSTIN is a 4xx and nothing is stored', async () => {
    const owner = h.tenantCaller(['owner']);
    await expect(h.call(InvoiceOps.issue, request(owner.tenantId, '27'), owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const bad = request(owner.tenantId, '27');
    bad.recipient.gstin = '29AABCT1234C1Z0';
    await expect(h.call(InvoiceOps.issue, bad, admin())).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const list = await h.call(InvoiceOps.list, {}, owner);
    expect(list.items).toEqual([]);
  });

  async function tenantWithInvoices(count: number): Promise<{ owner: Caller; ids: string[] }> {
    const owner = h.tenantCaller(['owner']);
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push((await h.call(InvoiceOps.issue, request(owner.tenantId, i % 2 ? '29' : '27', 10_000 + i), admin())).id);
    return { owner, ids };
  }

  it('P60: lists newest first with cursor paging; credit notes in the same list with their own type', async () => {
    const { owner, ids } = await tenantWithInvoices(5);
    const db = h.app.get(Database);
    const note = await db.em().transactional((tx) =>
      h.get(InvoiceIssuer).reverse(tx, {
        invoiceId: ids[1]!,
        tenantId: owner.tenantId,
        prefix: 'UCCN',
        at: new Date(Date.now() + 1000),
        reason: 'downgrade',
      }),
    );
    const first = await h.call(InvoiceOps.list, { limit: 4 }, owner);
    expect(first.items.map((i) => i.id)).toEqual([note.id, ids[4], ids[3], ids[2]]);
    expect(first.items[0]).toMatchObject({ type: 'credit_note', original: { id: ids[1] }, reason: 'downgrade' });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await h.call(InvoiceOps.list, { limit: 4, cursor: first.nextCursor! }, owner);
    expect(second.items.map((i) => i.id)).toEqual([ids[1], ids[0]]);
    expect(second.nextCursor).toBeNull();
    await expect(h.call(InvoiceOps.list, { cursor: 'nope' }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const audit = await h.auditRecords(owner.ctx.requestId!);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'list', resource: expect.objectContaining({ type: 'invoice' }) }),
    );
  });

  it('P60: reads one invoice (accountant may, staff may not); another tenant’s: 404, audited denied', async () => {
    const a = await tenantWithInvoices(1);
    const b = await tenantWithInvoices(1);
    const accountant = h.callerIn(a.owner.tenantId, ['accountant']);
    const got = await h.call(InvoiceOps.get, { id: a.ids[0]! }, accountant);
    expect(got).toMatchObject({ id: a.ids[0], type: 'invoice', tenantId: a.owner.tenantId });
    expect(await h.auditRecords(accountant.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ action: 'read', outcome: 'allowed', resource: { type: 'invoice', id: a.ids[0] } }),
    );
    const staff = h.callerIn(a.owner.tenantId, ['staff']);
    await expect(h.call(InvoiceOps.get, { id: a.ids[0]! }, staff)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const other = h.callerIn(a.owner.tenantId, ['owner']);
    await expect(h.call(InvoiceOps.get, { id: b.ids[0]! }, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.auditRecords(other.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'not_found', resource: { type: 'invoice', id: b.ids[0] } }),
    );
    const listed = await h.call(InvoiceOps.list, {}, other);
    expect(listed.items.map((i) => i.id)).toEqual(a.ids);
  });

  it('P60: renders the PDF and the INV-01 e-invoice; none for an unregistered recipient', async () => {
    const { owner, ids } = await tenantWithInvoices(2);
    const pdf = await h.call(InvoiceOps.render, { id: ids[1]!, format: 'pdf' }, owner);
    expect(pdf.format).toBe('pdf');
    if (pdf.format === 'pdf') expect(Buffer.from(pdf.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const einvoice = await h.call(InvoiceOps.render, { id: ids[1]!, format: 'einvoice' }, owner);
    expect(einvoice).toMatchObject({
      format: 'einvoice',
      einvoice: {
        Version: '1.1',
        DocDtls: { Typ: 'INV' },
        ValDtls: { AssVal: 100.01, IgstVal: 18, TotInvVal: 118.01 },
      },
    });
    expect(await h.auditRecords(owner.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ action: 'export', outcome: 'allowed', resource: { type: 'invoice', id: ids[1] } }),
    );
    const unregistered = request(owner.tenantId, '27');
    unregistered.recipient.gstin = null;
    const b2c = await h.call(InvoiceOps.issue, unregistered, admin());
    await expect(h.call(InvoiceOps.render, { id: b2c.id, format: 'einvoice' }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const stranger = h.tenantCaller(['owner']);
    await expect(h.call(InvoiceOps.render, { id: ids[0]!, format: 'pdf' }, stranger)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
