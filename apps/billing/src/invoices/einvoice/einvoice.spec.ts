import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { computeInvoice, type LineInput } from '../gst.js';
import type { InvoiceDocument } from '../invoice-document.js';
import { SUPPLIER, recipientIn } from '../test-parties.js';
import { toEInvoice } from './einvoice.js';

const schema = JSON.parse(readFileSync(new URL('./inv-01.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function issued(recipientState: string, lines: LineInput[], over: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    ...computeInvoice({ supplier: SUPPLIER, recipient: recipientIn(recipientState), lines }),
    id: '0190f7a0-0000-7000-8000-000000000001',
    tenantId: '0190f7a0-0000-7000-8000-000000000002',
    kind: 'invoice',
    serial: 'LK/26-27/00042',
    financialYear: '2026-27',
    issuedAt: '2026-12-01T20:00:00.000Z',
    original: null,
    reason: null,
    ...over,
  };
}
const growth: LineInput = {
  description: 'Growth plan, December 2026',
  sac: '998431',
  quantity: 1,
  unitPricePaise: 49_900,
};

/** Figures to the paisa as integers (the e-invoice carries rupees with two decimals). */
const p = (rupees: number) => Math.round(rupees * 100);

describe('GST e-invoice JSON (INV-01, Version 1.1)', () => {
  it('an intra-state invoice is valid against the schema, with exact figures and the IST date', () => {
    const e = toEInvoice(issued('27', [growth]));
    expect(validate(e)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    expect(e.Version).toBe('1.1');
    expect(e.TranDtls).toEqual({ TaxSch: 'GST', SupTyp: 'B2B', RegRev: 'N', IgstOnIntra: 'N' });
    expect(e.DocDtls).toEqual({ Typ: 'INV', No: 'LK/26-27/00042', Dt: '02/12/2026' });
    expect(e.BuyerDtls.Pos).toBe('27');
    expect(e.ItemList[0]).toMatchObject({ HsnCd: '998431', IsServc: 'Y', AssAmt: 499, GstRt: 18, CgstAmt: 44.91 });
    expect(e.ValDtls).toMatchObject({ AssVal: 499, CgstVal: 44.91, SgstVal: 44.91, IgstVal: 0, TotInvVal: 588.82 });
  });

  it('an inter-state credit note is CRN and names the original in PrecDocDtls', () => {
    const e = toEInvoice(
      issued('29', [growth], {
        kind: 'credit_note',
        serial: 'LKCN/26-27/00001',
        original: { id: 'x', serial: 'LK/26-27/00042', issuedAt: '2026-12-01T06:00:00.000Z' },
        reason: 'refund on downgrade',
      }),
    );
    expect(validate(e)).toBe(true);
    expect(e.DocDtls.Typ).toBe('CRN');
    expect(e.RefDtls).toEqual({
      InvRm: 'refund on downgrade',
      PrecDocDtls: [{ InvNo: 'LK/26-27/00042', InvDt: '01/12/2026' }],
    });
    expect(e.ValDtls).toMatchObject({ IgstVal: 89.82, CgstVal: 0, TotInvVal: 588.82 });
  });

  it('the schema refuses what INV-01 refuses (a 17-character number, SupTyp B2C, no items)', () => {
    const e = toEInvoice(issued('27', [growth]));
    expect(validate({ ...e, DocDtls: { ...e.DocDtls, No: 'LKCN/2026-27/001' + '2' } })).toBe(false);
    expect(validate({ ...e, TranDtls: { ...e.TranDtls, SupTyp: 'B2C' } })).toBe(false);
    expect(validate({ ...e, ItemList: [] })).toBe(false);
    expect(validate({ ...e, Version: '1.0' })).toBe(false);
  });

  it('refuses an e-invoice for an unregistered recipient (B2C is outside e-invoicing)', () => {
    const doc = issued('27', [growth]);
    expect(() => toEInvoice({ ...doc, recipient: { ...doc.recipient, gstin: null } })).toThrow(/registered recipient/);
  });

  it('property: arbitrary invoices are schema-valid and reconcile (item and invoice values) to the paisa', () => {
    const line = fc.record({
      description: fc.constantFrom('Growth plan', 'SMS pack of 1000', 'Extra staff seat'),
      sac: fc.constantFrom('998431', '998315', '997331'),
      quantity: fc.integer({ min: 1, max: 500 }),
      unitPricePaise: fc.integer({ min: 0, max: 10_000_000 }),
      discountPaise: fc.constant(0),
      gstRateBp: fc.constantFrom(0, 500, 1200, 1800, 2800),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('27', '29', '07', '33'),
        (ls, st) => {
          const e = toEInvoice(issued(st, ls));
          expect(validate(e)).toBe(true);
          for (const i of e.ItemList) {
            expect(p(i.AssAmt)).toBe(p(i.TotAmt) - p(i.Discount));
            expect(p(i.TotItemVal)).toBe(p(i.AssAmt) + p(i.IgstAmt) + p(i.CgstAmt) + p(i.SgstAmt));
          }
          const sum = (f: (i: (typeof e.ItemList)[number]) => number) => e.ItemList.reduce((s, i) => s + p(f(i)), 0);
          const v = e.ValDtls;
          expect(p(v.AssVal)).toBe(sum((i) => i.AssAmt));
          expect(p(v.IgstVal)).toBe(sum((i) => i.IgstAmt));
          expect(p(v.CgstVal)).toBe(sum((i) => i.CgstAmt));
          expect(p(v.TotInvVal)).toBe(p(v.AssVal) + p(v.CgstVal) + p(v.SgstVal) + p(v.IgstVal) + p(v.RndOffAmt));
          expect(p(v.TotInvVal)).toBe(sum((i) => i.TotItemVal));
        },
      ),
      { numRuns: 300 },
    );
  });
});
