import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { toEInvoice } from './einvoice/einvoice.js';
import { computeInvoice, type ComputedInvoice, type LineInput } from './gst.js';
import { allocate, partialCredit } from './partial-credit.js';
import { GST_STATES } from './states.js';
import { SUPPLIER, recipientIn } from './test-parties.js';

const schema = JSON.parse(readFileSync(new URL('./einvoice/inv-01.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

const RATES = [0, 25, 300, 500, 1200, 1800, 2800, 4000];
const lineArb: fc.Arbitrary<LineInput> = fc.record({
  description: fc.constant('line'),
  sac: fc.constantFrom('998431', '998315'),
  quantity: fc.integer({ min: 1, max: 100 }),
  unitPricePaise: fc.integer({ min: 1, max: 10_000_000 }),
  gstRateBp: fc.constantFrom(...RATES),
});
const invoiceArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
    state: fc.constantFrom(...Object.keys(GST_STATES).filter((s) => s !== '97')),
  })
  .map(({ lines, state }) => computeInvoice({ supplier: SUPPLIER, recipient: recipientIn(state), lines }));
/** Cuts `total` into 1..6 positive parts (the partial credit notes' amounts). */
const cutsOf = (total: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), { maxLength: 5 }).map((points) => {
    const sorted = [...new Set(points.filter((p) => p < total))].sort((a, b) => a - b);
    return [...sorted, total].map((p, i, all) => p - (i === 0 ? 0 : all[i - 1]!));
  });

const HEADS = ['taxablePaise', 'igstPaise', 'cgstPaise', 'sgstPaise'] as const;

describe('partial credit notes (largest remainder over what remains)', () => {
  it('allocate: shares sum exactly, each within a paisa of its exact share and never above its part', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e12 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (parts, f) => {
          const total = parts.reduce((s, p) => s + p, 0);
          const amount = Math.min(total, Math.floor(f * total));
          const shares = allocate(parts, amount);
          expect(shares.reduce((s, x) => s + x, 0)).toBe(amount);
          shares.forEach((x, i) => {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(parts[i]!);
            // |x·total − part·amount| < total: within one paisa of the exact proportional share.
            if (total > 0)
              expect(Math.abs(Number(BigInt(x) * BigInt(total) - BigInt(parts[i]!) * BigInt(amount)))).toBeLessThan(
                total,
              );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a partial credit note of an intra-state ₹588.82 invoice splits CGST and SGST in proportion', () => {
    const inv = computeInvoice({
      supplier: SUPPLIER,
      recipient: recipientIn('27'),
      lines: [{ description: 'Growth plan', sac: '998431', quantity: 1, unitPricePaise: 49_900 }],
    });
    // ₹100.00 of ₹588.82: taxable 8,474.57…, CGST 762.71…, SGST 762.71…: floors 8,474 + 762 + 762 leave two
    // paise, which go to the largest remainders (.71 and .71 before .57): 8,474 + 763 + 763 = 10,000.
    const first = partialCredit(inv, [], 10_000);
    expect(first.lines[0]).toMatchObject({ taxablePaise: 8_474, cgstPaise: 763, sgstPaise: 763, igstPaise: 0 });
    expect(first.totals).toMatchObject({ taxablePaise: 8_474, taxPaise: 1_526, totalPaise: 10_000 });
    const rest = partialCredit(inv, [{ ...inv, ...first }], 48_882);
    expect(rest.totals).toMatchObject({ taxablePaise: 41_426, cgstPaise: 3_728, sgstPaise: 3_728, totalPaise: 48_882 });
  });

  it('several partial credit notes: each is its amount, none goes past a figure, together they credit all', () => {
    fc.assert(
      fc.property(
        invoiceArb.chain((inv) => fc.tuple(fc.constant(inv), cutsOf(inv.totals.totalPaise))),
        ([inv, amounts]) => {
          const credited: ComputedInvoice[] = [];
          for (const amount of amounts) {
            const note = { ...inv, ...partialCredit(inv, credited, amount) };
            expect(note.totals.totalPaise).toBe(amount);
            expect(note.totals.taxablePaise + note.totals.taxPaise).toBe(amount);
            for (const head of HEADS) expect(note.totals[head]).toBe(note.lines.reduce((s, l) => s + l[head], 0));
            for (const l of note.lines) {
              expect(l.totalPaise).toBe(l.taxablePaise + l.igstPaise + l.cgstPaise + l.sgstPaise);
              if (inv.tax.supplyType === 'inter-state') expect(l.cgstPaise + l.sgstPaise).toBe(0);
              else expect(l.igstPaise).toBe(0);
            }
            credited.push(note);
            for (const [i, l] of inv.lines.entries())
              for (const head of HEADS) {
                const sum = credited.reduce((s, c) => s + c.lines[i]![head], 0);
                expect(sum).toBeLessThanOrEqual(l[head]);
                if (credited.length === amounts.length) expect(sum).toBe(l[head]);
              }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a partial credit note is a valid INV-01 e-invoice (CRN) whose figures reconcile', () => {
    fc.assert(
      fc.property(
        invoiceArb.chain((inv) => fc.tuple(fc.constant(inv), fc.integer({ min: 1, max: inv.totals.totalPaise }))),
        ([inv, amount]) => {
          const e = toEInvoice({
            ...inv,
            ...partialCredit(inv, [], amount),
            id: '0190f7a0-0000-7000-8000-000000000003',
            tenantId: '0190f7a0-0000-7000-8000-000000000002',
            kind: 'credit_note',
            serial: 'LKCN/26-27/00001',
            financialYear: '2026-27',
            issuedAt: '2026-12-02T06:00:00.000Z',
            original: { id: 'x', serial: 'LK/26-27/00042', issuedAt: '2026-12-01T06:00:00.000Z' },
            reason: 'partial refund',
          });
          expect(validate(e)).toBe(true);
          expect(Math.round(e.ValDtls.TotInvVal * 100)).toBe(amount);
        },
      ),
      { numRuns: 100 },
    );
  });
});
