import fc from 'fast-check';
import { DomainError } from '@lekha/contracts';
import { computeInvoice, formatRupees, taxOf, type LineInput } from './gst.js';
import { GST_STATES } from './states.js';
import { SUPPLIER, gstinIn, recipientIn } from './test-parties.js';

const plan = (unitPricePaise: number, extra: Partial<LineInput> = {}): LineInput => ({
  description: 'Growth plan, monthly',
  sac: '998431',
  quantity: 1,
  unitPricePaise,
  ...extra,
});

const RATES = [0, 25, 300, 500, 1200, 1800, 2800, 4000];
const lineArb = fc
  .record({
    quantity: fc.integer({ min: 1, max: 10_000 }),
    unitPricePaise: fc.integer({ min: 0, max: 100_000_000 }),
    discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
    gstRateBp: fc.constantFrom(...RATES),
    sac: fc.constantFrom('998431', '998315', '997331'),
  })
  .map(({ quantity, unitPricePaise, discountShare, gstRateBp, sac }) => ({
    description: 'line',
    sac,
    quantity,
    unitPricePaise,
    discountPaise: Math.floor(quantity * unitPricePaise * discountShare),
    gstRateBp,
  }));
const stateArb = fc.constantFrom(...Object.keys(GST_STATES));

describe('GST invoice arithmetic (integer paise)', () => {
  it('intra-state: CGST + SGST at 9% each, the rule shown (₹499 plan from Maharashtra to Maharashtra)', () => {
    const inv = computeInvoice({ supplier: SUPPLIER, recipient: recipientIn('27'), lines: [plan(49_900)] });
    expect(inv.tax.supplyType).toBe('intra-state');
    expect(inv.tax.rule).toContain('CGST + SGST');
    expect(inv.tax.placeOfSupply).toEqual({ code: '27', name: 'Maharashtra' });
    expect(inv.lines[0]).toMatchObject({ taxablePaise: 49_900, cgstPaise: 4_491, sgstPaise: 4_491, igstPaise: 0 });
    expect(inv.totals).toMatchObject({ taxablePaise: 49_900, taxPaise: 8_982, totalPaise: 58_882 });
  });

  it('inter-state: IGST 18% when the recipient’s GSTIN is in another state (Karnataka)', () => {
    const inv = computeInvoice({ supplier: SUPPLIER, recipient: recipientIn('29'), lines: [plan(149_900)] });
    expect(inv.tax.supplyType).toBe('inter-state');
    expect(inv.tax.rule).toContain('IGST levied');
    expect(inv.tax.placeOfSupply.name).toBe('Karnataka');
    expect(inv.totals).toMatchObject({ igstPaise: 26_982, cgstPaise: 0, sgstPaise: 0, totalPaise: 176_882 });
  });

  it('an unregistered recipient’s place of supply is its address; a UT without legislature levies UTGST', () => {
    const supplier = { ...SUPPLIER, gstin: gstinIn('04'), address: { ...SUPPLIER.address, stateCode: '04' } };
    const inv = computeInvoice({ supplier, recipient: recipientIn('04', false), lines: [plan(10_000)] });
    expect(inv.tax).toMatchObject({ supplyType: 'intra-state', intraStateTax: 'UTGST' });
    expect(inv.tax.rule).toContain('s.12(2)(b)');
  });

  it('rounds each tax head half-up to the paisa, per line', () => {
    expect(taxOf(25, 1800, 10_000)).toBe(5); // 4.5 → 5
    expect(taxOf(25, 1800, 20_000)).toBe(2); // 2.25 → 2
    expect(taxOf(50, 1800, 20_000)).toBe(5); // 4.5 → 5
    expect(taxOf(1, 1800, 10_000)).toBe(0); // 0.18 → 0
    const inv = computeInvoice({ supplier: SUPPLIER, recipient: recipientIn('27'), lines: [plan(50), plan(50)] });
    expect(inv.totals).toMatchObject({ cgstPaise: 10, sgstPaise: 10, totalPaise: 120 });
  });

  it('reverse charge: tax shown, the supplier is paid the taxable value', () => {
    const inv = computeInvoice({
      supplier: SUPPLIER,
      recipient: recipientIn('29'),
      lines: [plan(10_000)],
      reverseCharge: true,
    });
    expect(inv.reverseCharge).toBe(true);
    expect(inv.totals).toMatchObject({ igstPaise: 1_800, totalPaise: 11_800, payableToSupplierPaise: 10_000 });
  });

  it('refuses bad input with the path named: no lines, fractions, discounts above the value, bad GSTIN', () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('accepted');
    };
    const r = recipientIn('27');
    expect(attempt(() => computeInvoice({ supplier: SUPPLIER, recipient: r, lines: [] })).reason).toBe(
      'BILLING_INVOICE_INVALID',
    );
    const fraction = attempt(() => computeInvoice({ supplier: SUPPLIER, recipient: r, lines: [plan(10.5)] }));
    expect(fraction.details).toEqual([{ path: 'lines[0].unitPricePaise', message: 'whole paise, not negative' }]);
    const over = attempt(() =>
      computeInvoice({ supplier: SUPPLIER, recipient: r, lines: [plan(100, { discountPaise: 101 })] }),
    );
    expect(over.message).toContain('lines[0].discountPaise');
    const badGstin = { ...r, gstin: '27AAPFU0939F1ZA' };
    expect(attempt(() => computeInvoice({ supplier: SUPPLIER, recipient: badGstin, lines: [plan(1)] })).reason).toBe(
      'BILLING_GSTIN_INVALID',
    );
    const elsewhere = { ...r, gstin: gstinIn('29') };
    expect(attempt(() => computeInvoice({ supplier: SUPPLIER, recipient: elsewhere, lines: [plan(1)] })).reason).toBe(
      'BILLING_GSTIN_INVALID',
    );
    const unregisteredSupplier = { ...SUPPLIER, gstin: null };
    expect(
      attempt(() => computeInvoice({ supplier: unregisteredSupplier, recipient: r, lines: [plan(1)] })).reason,
    ).toBe('BILLING_GSTIN_INVALID');
  });

  it('property: totals reconcile to the paisa with the lines, for arbitrary lines and states', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 40 }), stateArb, fc.boolean(), (lines, pos, reg) => {
        const inv = computeInvoice({ supplier: SUPPLIER, recipient: recipientIn(pos, reg), lines });
        const sum = (f: (l: (typeof inv.lines)[number]) => number) => inv.lines.reduce((s, l) => s + f(l), 0);
        const t = inv.totals;
        for (const v of Object.values(t)) expect(Number.isSafeInteger(v)).toBe(true);
        expect(t.grossPaise).toBe(sum((l) => l.quantity * l.unitPricePaise));
        expect(t.taxablePaise).toBe(t.grossPaise - t.discountPaise);
        expect(t.taxablePaise).toBe(sum((l) => l.taxablePaise));
        expect(t.igstPaise).toBe(sum((l) => l.igstPaise));
        expect(t.cgstPaise).toBe(sum((l) => l.cgstPaise));
        expect(t.sgstPaise).toBe(sum((l) => l.sgstPaise));
        expect(t.taxPaise).toBe(t.igstPaise + t.cgstPaise + t.sgstPaise);
        expect(t.totalPaise).toBe(t.taxablePaise + t.taxPaise);
        expect(t.totalPaise).toBe(sum((l) => l.totalPaise));
        for (const l of inv.lines) expect(l.totalPaise).toBe(l.taxablePaise + l.igstPaise + l.cgstPaise + l.sgstPaise);
      }),
      { numRuns: 500 },
    );
  });

  it('property: each tax head is the exact tax rounded half-up to the paisa, on the right heads only', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 20 }), stateArb, (lines, pos) => {
        const inv = computeInvoice({ supplier: SUPPLIER, recipient: recipientIn(pos), lines });
        const intra = pos === SUPPLIER.address.stateCode;
        expect(inv.tax.supplyType).toBe(intra ? 'intra-state' : 'inter-state');
        for (const l of inv.lines) {
          // Exact in BigInt: |tax × D − taxable × rate| ≤ D/2, ties going up.
          const check = (tax: number, d: bigint) => {
            const diff = BigInt(tax) * d - BigInt(l.taxablePaise) * BigInt(l.gstRateBp);
            expect(diff * 2n <= d && diff * 2n > -d).toBe(true);
          };
          if (intra) {
            expect(l.igstPaise).toBe(0);
            expect(l.cgstPaise).toBe(l.sgstPaise);
            check(l.cgstPaise, 20_000n);
          } else {
            expect(l.cgstPaise + l.sgstPaise).toBe(0);
            check(l.igstPaise, 10_000n);
          }
        }
        // Per-line rounding drifts from tax on the whole by at most half a paisa per line and head.
        const exact = inv.lines.reduce((s, l) => s + BigInt(l.taxablePaise) * BigInt(l.gstRateBp), 0n);
        const drift = BigInt(inv.totals.taxPaise) * 10_000n - exact;
        const bound = BigInt(inv.lines.length) * (intra ? 10_000n : 5_000n);
        expect(drift <= bound && drift >= -bound).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('formats paise as rupees with Indian grouping', () => {
    expect(formatRupees(58_882)).toBe('588.82');
    expect(formatRupees(12_345_678_901)).toBe('12,34,56,789.01');
    expect(formatRupees(5)).toBe('0.05');
    expect(formatRupees(-100_000)).toBe('-1,000.00');
  });
});
