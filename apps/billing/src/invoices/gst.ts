import { BillingError, FeatureError, isValidGstin } from '@lekha/contracts';
import { intraStateTaxName, isGstStateCode, stateName } from './states.js';

/*
 * GST tax invoice arithmetic, in integer paise only (no floating point anywhere).
 *
 * Rounding rule (docs/billing.md): each line's tax is computed per tax head (IGST, or CGST and
 * SGST/UTGST) on the line's taxable value and rounded half-up to the paisa; every total is the exact
 * sum of the line figures, so the invoice reconciles to the paisa by construction and no round-off
 * to the rupee is applied (`RndOffAmt` 0).
 */

export const ROUNDING_RULE = 'per-line-per-tax-half-up';
/** A line's gross value may not exceed ₹1,000 crore; an invoice holds at most 1,000 lines (as an e-invoice). */
export const MAX_LINE_GROSS_PAISE = 1_000_000_000_000;
export const MAX_LINES = 1000;
/** 18% — software services (SAC 9983xx/9984xx/9973xx) in 2026. */
export const DEFAULT_GST_RATE_BP = 1800;

export interface Address {
  line1: string;
  line2?: string | undefined;
  city: string;
  pin: string;
  stateCode: string;
}

export interface Party {
  legalName: string;
  tradeName?: string | undefined;
  /** Null for an unregistered recipient; the supplier always has one. */
  gstin: string | null;
  address: Address;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface LineInput {
  description: string;
  /** SAC (services accounting code), configurable: SaaS is classified as 998431, 998315 or 997331. */
  sac: string;
  /** Whole units (months, seats, messages). */
  quantity: number;
  unitPricePaise: number;
  discountPaise?: number | undefined;
  /** GST rate in basis points (1800 = 18%). */
  gstRateBp?: number | undefined;
}

export interface InvoiceInput {
  supplier: Party;
  recipient: Party;
  lines: LineInput[];
  reverseCharge?: boolean | undefined;
  /**
   * A supplier not registered for GST issues a bill of supply: no GSTIN, and no tax on any line
   * (CGST Act s.31(3)(c)). A tenant invoicing its own customers without a GSTIN does so.
   */
  billOfSupply?: boolean | undefined;
}

export interface TaxedLine {
  slNo: number;
  description: string;
  sac: string;
  quantity: number;
  unitPricePaise: number;
  grossPaise: number;
  discountPaise: number;
  taxablePaise: number;
  gstRateBp: number;
  igstPaise: number;
  cgstPaise: number;
  /** SGST or UTGST (see `tax.intraStateTax`). */
  sgstPaise: number;
  totalPaise: number;
}

export interface InvoiceTotals {
  grossPaise: number;
  discountPaise: number;
  taxablePaise: number;
  igstPaise: number;
  cgstPaise: number;
  sgstPaise: number;
  taxPaise: number;
  /** Taxable value plus tax: the invoice value. */
  totalPaise: number;
  /** What the recipient pays the supplier: the invoice value, or the taxable value under reverse charge. */
  payableToSupplierPaise: number;
}

export interface TaxDecision {
  supplyType: 'intra-state' | 'inter-state';
  supplierState: { code: string; name: string };
  placeOfSupply: { code: string; name: string };
  /** The head levied beside CGST on an intra-state supply. */
  intraStateTax: 'SGST' | 'UTGST';
  /** The rule applied, in words, printed on the invoice. */
  rule: string;
}

export interface ComputedInvoice {
  supplier: Party;
  recipient: Party;
  lines: TaxedLine[];
  totals: InvoiceTotals;
  tax: TaxDecision;
  reverseCharge: boolean;
  roundingRule: typeof ROUNDING_RULE;
}

interface Problem {
  path: string;
  message: string;
}

function invalid(problems: Problem[]): FeatureError {
  return new FeatureError(
    BillingError.InvoiceInvalid,
    problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    problems,
  );
}

/** `amount × rateBp / divisor`, rounded half-up to the paisa (amount ≥ 0). Exact in BigInt. */
export function taxOf(amountPaise: number, rateBp: number, divisor: number): number {
  const x = BigInt(amountPaise) * BigInt(rateBp);
  const d = BigInt(divisor);
  return Number((2n * x + d) / (2n * d));
}

/** Checks a party's GSTIN (format, check character, and that its state is the address's state). */
export function checkParty(party: Party, path: string, gstinRequired: boolean): void {
  const problems: Problem[] = [];
  const text = (v: string | undefined, f: string, min: number, max: number, optional = false) => {
    if (v === undefined && optional) return;
    const len = (v ?? '').trim().length;
    if (len < min || len > max) problems.push({ path: `${path}.${f}`, message: `${min} to ${max} characters` });
  };
  text(party.legalName, 'legalName', 3, 100);
  text(party.tradeName, 'tradeName', 3, 100, true);
  text(party.address.line1, 'address.line1', 1, 100);
  text(party.address.line2, 'address.line2', 3, 100, true);
  text(party.address.city, 'address.city', 3, 50);
  if (!/^[1-9][0-9]{5}$/.test(party.address.pin)) problems.push({ path: `${path}.address.pin`, message: 'six digits' });
  if (party.phone !== undefined && !/^[0-9]{6,12}$/.test(party.phone))
    problems.push({ path: `${path}.phone`, message: '6 to 12 digits' });
  if (party.email !== undefined && !/^[a-zA-Z0-9+_.-]+@[a-zA-Z0-9.-]+$/.test(party.email))
    problems.push({ path: `${path}.email`, message: 'an email address' });
  if (problems.length) throw invalid(problems);
  if (!isGstStateCode(party.address.stateCode))
    throw new FeatureError(BillingError.StateCodeInvalid, `${path}.address.stateCode is not a GST state code`, [
      { path: `${path}.address.stateCode`, message: 'not a GST state code' },
    ]);
  if (party.gstin === null) {
    if (gstinRequired)
      throw new FeatureError(BillingError.GstinInvalid, `${path}.gstin is required`, [
        { path: `${path}.gstin`, message: 'required' },
      ]);
    return;
  }
  if (!isValidGstin(party.gstin))
    throw new FeatureError(BillingError.GstinInvalid, `${path}.gstin is not a valid GSTIN`, [
      { path: `${path}.gstin`, message: 'format or check character' },
    ]);
  if (party.gstin.slice(0, 2) !== party.address.stateCode)
    throw new FeatureError(BillingError.GstinInvalid, `${path}.gstin is registered in another state`, [
      { path: `${path}.gstin`, message: `state ${party.gstin.slice(0, 2)} is not ${party.address.stateCode}` },
    ]);
}

/**
 * Place of supply of a service (IGST Act 2017 s.12(2)): a registered recipient's location (the
 * state of its GSTIN); for an unregistered one, its address on record.
 */
export function decideTax(supplier: Party, recipient: Party): TaxDecision {
  const supplierCode = supplier.address.stateCode;
  const posCode = recipient.gstin ? recipient.gstin.slice(0, 2) : recipient.address.stateCode;
  const pos = { code: posCode, name: stateName(posCode) };
  const supplierState = { code: supplierCode, name: stateName(supplierCode) };
  const intraStateTax = intraStateTaxName(supplierCode);
  const where = recipient.gstin
    ? 'place of supply is the registered recipient’s location (IGST Act s.12(2)(a))'
    : 'place of supply is the unregistered recipient’s address on record (IGST Act s.12(2)(b))';
  if (posCode === supplierCode)
    return {
      supplyType: 'intra-state',
      supplierState,
      placeOfSupply: pos,
      intraStateTax,
      rule:
        `Intra-state supply: supplier in ${supplierState.name} (${supplierCode}) and ${where}: ` +
        `${pos.name} (${posCode}); CGST + ${intraStateTax} levied (IGST Act s.8(1)).`,
    };
  return {
    supplyType: 'inter-state',
    supplierState,
    placeOfSupply: pos,
    intraStateTax,
    rule:
      `Inter-state supply: supplier in ${supplierState.name} (${supplierCode}) and ${where}: ` +
      `${pos.name} (${posCode}); IGST levied (IGST Act s.7(3)).`,
  };
}

function checkLines(lines: LineInput[]): void {
  const problems: Problem[] = [];
  if (lines.length === 0) problems.push({ path: 'lines', message: 'at least one line' });
  if (lines.length > MAX_LINES) problems.push({ path: 'lines', message: `at most ${MAX_LINES} lines` });
  lines.forEach((l, i) => {
    const at = (f: string) => `lines[${i}].${f}`;
    const described = l.description.trim().length;
    if (described < 3 || described > 300) problems.push({ path: at('description'), message: '3 to 300 characters' });
    if (!/^99[0-9]{4}$/.test(l.sac)) problems.push({ path: at('sac'), message: 'a six-digit SAC starting 99' });
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1)
      problems.push({ path: at('quantity'), message: 'a whole number of at least 1' });
    if (!Number.isSafeInteger(l.unitPricePaise) || l.unitPricePaise < 0)
      problems.push({ path: at('unitPricePaise'), message: 'whole paise, not negative' });
    const discount = l.discountPaise ?? 0;
    if (!Number.isSafeInteger(discount) || discount < 0)
      problems.push({ path: at('discountPaise'), message: 'whole paise, not negative' });
    const rate = l.gstRateBp ?? DEFAULT_GST_RATE_BP;
    if (!Number.isSafeInteger(rate) || rate < 0 || rate > 4000)
      problems.push({ path: at('gstRateBp'), message: 'basis points from 0 to 4000' });
    if (problems.length) return;
    const gross = l.quantity * l.unitPricePaise;
    if (!Number.isSafeInteger(gross) || gross > MAX_LINE_GROSS_PAISE)
      problems.push({ path: at('unitPricePaise'), message: 'line value above ₹1,000 crore' });
    else if (discount > gross) problems.push({ path: at('discountPaise'), message: 'above the line’s value' });
  });
  if (problems.length) throw invalid(problems);
}

/** Computes a tax invoice (or the figures of a credit note) from its parties and lines. */
export function computeInvoice(input: InvoiceInput): ComputedInvoice {
  checkParty(input.supplier, 'supplier', !input.billOfSupply);
  checkParty(input.recipient, 'recipient', false);
  checkLines(input.lines);
  if (input.billOfSupply && input.supplier.gstin !== null)
    throw invalid([
      { path: 'supplier.gstin', message: 'a registered supplier issues tax invoices, not bills of supply' },
    ]);
  const tax = decideTax(input.supplier, input.recipient);
  const inter = tax.supplyType === 'inter-state';
  const lines: TaxedLine[] = input.lines.map((l, i) => {
    const grossPaise = l.quantity * l.unitPricePaise;
    const discountPaise = l.discountPaise ?? 0;
    const taxablePaise = grossPaise - discountPaise;
    const gstRateBp = input.billOfSupply ? 0 : (l.gstRateBp ?? DEFAULT_GST_RATE_BP);
    const igstPaise = inter ? taxOf(taxablePaise, gstRateBp, 10_000) : 0;
    const cgstPaise = inter ? 0 : taxOf(taxablePaise, gstRateBp, 20_000);
    const sgstPaise = cgstPaise;
    return {
      slNo: i + 1,
      description: l.description.trim(),
      sac: l.sac,
      quantity: l.quantity,
      unitPricePaise: l.unitPricePaise,
      grossPaise,
      discountPaise,
      taxablePaise,
      gstRateBp,
      igstPaise,
      cgstPaise,
      sgstPaise,
      totalPaise: taxablePaise + igstPaise + cgstPaise + sgstPaise,
    };
  });
  const sum = (f: (l: TaxedLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const taxPaise = sum((l) => l.igstPaise + l.cgstPaise + l.sgstPaise);
  const taxablePaise = sum((l) => l.taxablePaise);
  const reverseCharge = input.reverseCharge ?? false;
  const totals: InvoiceTotals = {
    grossPaise: sum((l) => l.grossPaise),
    discountPaise: sum((l) => l.discountPaise),
    taxablePaise,
    igstPaise: sum((l) => l.igstPaise),
    cgstPaise: sum((l) => l.cgstPaise),
    sgstPaise: sum((l) => l.sgstPaise),
    taxPaise,
    totalPaise: taxablePaise + taxPaise,
    payableToSupplierPaise: reverseCharge ? taxablePaise : taxablePaise + taxPaise,
  };
  return {
    supplier: input.supplier,
    recipient: input.recipient,
    lines,
    totals,
    tax,
    reverseCharge,
    roundingRule: ROUNDING_RULE,
  };
}

/** ₹ display of paise: `123456` → `1,234.56` (Indian digit grouping). */
export function formatRupees(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100).toString();
  const p = (abs % 100).toString().padStart(2, '0');
  const last3 = rupees.slice(-3);
  const rest = rupees.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${sign}${rest ? `${rest},${last3}` : last3}.${p}`;
}
