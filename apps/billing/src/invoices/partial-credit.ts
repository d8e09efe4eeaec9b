import type { ComputedInvoice, InvoiceTotals, TaxedLine } from './gst.js';

/** The figures of a line a credit note takes back, in this order (the tie-break order). */
const HEADS = ['taxablePaise', 'igstPaise', 'cgstPaise', 'sgstPaise'] as const;
type Head = (typeof HEADS)[number];

export const PARTIAL_CREDIT_RULE = 'largest-remainder-of-what-remains';

/**
 * Splits `amount` paise over `parts` (each ≥ 0, summing to `total` ≥ `amount`) in proportion, exactly:
 * each part gets ⌊part × amount / total⌋ and the paise left over go one each to the parts with the
 * largest remainders, the first part winning a tie (Hamilton's largest-remainder method). The shares
 * sum to `amount`, each is within one paisa of its exact share and none exceeds its part. BigInt, so
 * exact for every input.
 */
export function allocate(parts: number[], amount: number): number[] {
  const total = parts.reduce((s, p) => s + p, 0);
  if (amount === total) return [...parts];
  const T = BigInt(total);
  const A = BigInt(amount);
  const shares = parts.map((p) => (BigInt(p) * A) / T);
  const remainders = parts.map((p, i) => ({ i, r: (BigInt(p) * A) % T }));
  let left = amount - shares.reduce((s, x) => s + Number(x), 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i] = shares[i]! + 1n;
    left--;
  }
  return shares.map(Number);
}

/**
 * The figures of a credit note for `amountPaise` of an invoice of which `credited` (earlier credit
 * notes) has been taken back already: every line figure (taxable value, IGST, CGST, SGST/UTGST) not yet
 * credited is credited in proportion to what remains, by `allocate`. So the credit note's value is
 * exactly the amount, the GST split follows the invoice's, a figure is never credited past the original,
 * and credit notes that add up to the invoice's value credit every figure exactly. Each credit-note line
 * keeps the original's description, SAC and rate, with quantity 1 and its credited taxable value as the
 * unit price.
 */
export function partialCredit(
  original: ComputedInvoice,
  credited: ComputedInvoice[],
  amountPaise: number,
): Pick<ComputedInvoice, 'lines' | 'totals'> {
  const takenBack = (slNo: number, head: Head) =>
    credited.reduce((s, c) => s + (c.lines.find((l) => l.slNo === slNo)?.[head] ?? 0), 0);
  const remaining = original.lines.flatMap((l) => HEADS.map((h) => l[h] - takenBack(l.slNo, h)));
  const shares = allocate(remaining, amountPaise);
  const lines: TaxedLine[] = original.lines.map((l, i) => {
    const [taxablePaise, igstPaise, cgstPaise, sgstPaise] = shares.slice(i * HEADS.length, (i + 1) * HEADS.length) as [
      number,
      number,
      number,
      number,
    ];
    return {
      slNo: l.slNo,
      description: l.description,
      sac: l.sac,
      quantity: 1,
      unitPricePaise: taxablePaise,
      grossPaise: taxablePaise,
      discountPaise: 0,
      taxablePaise,
      gstRateBp: l.gstRateBp,
      igstPaise,
      cgstPaise,
      sgstPaise,
      totalPaise: taxablePaise + igstPaise + cgstPaise + sgstPaise,
    };
  });
  const sum = (f: (l: TaxedLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const taxablePaise = sum((l) => l.taxablePaise);
  const taxPaise = sum((l) => l.igstPaise + l.cgstPaise + l.sgstPaise);
  const totals: InvoiceTotals = {
    grossPaise: sum((l) => l.grossPaise),
    discountPaise: 0,
    taxablePaise,
    igstPaise: sum((l) => l.igstPaise),
    cgstPaise: sum((l) => l.cgstPaise),
    sgstPaise: sum((l) => l.sgstPaise),
    taxPaise,
    totalPaise: taxablePaise + taxPaise,
    payableToSupplierPaise: original.reverseCharge ? taxablePaise : taxablePaise + taxPaise,
  };
  return { lines, totals };
}
