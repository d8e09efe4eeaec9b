import { BillingError, FeatureError } from '@lekha/contracts';
import { istDateString } from '../financial-year.js';
import type { Party } from '../gst.js';
import type { InvoiceDocument } from '../invoice-document.js';

/** Rupees as the e-invoice writes them: a number with at most two decimals (exact from integer paise). */
export const rupees = (paise: number): number => Number((paise / 100).toFixed(2));

/* The INV-01 shapes we fill (the schema, inv-01.schema.json, holds the constraints). */
export interface EInvoiceParty {
  Gstin: string;
  LglNm: string;
  TrdNm?: string;
  Addr1: string;
  Addr2?: string;
  Loc: string;
  Pin: number;
  Stcd: string;
  Ph?: string;
  Em?: string;
}

export interface EInvoiceItem {
  SlNo: string;
  PrdDesc: string;
  IsServc: 'Y' | 'N';
  HsnCd: string;
  Qty: number;
  UnitPrice: number;
  TotAmt: number;
  Discount: number;
  AssAmt: number;
  GstRt: number;
  IgstAmt: number;
  CgstAmt: number;
  SgstAmt: number;
  TotItemVal: number;
}

export interface EInvoice {
  Version: '1.1';
  TranDtls: { TaxSch: 'GST'; SupTyp: 'B2B'; RegRev: 'Y' | 'N'; IgstOnIntra: 'N' };
  DocDtls: { Typ: 'INV' | 'CRN'; No: string; Dt: string };
  SellerDtls: EInvoiceParty;
  BuyerDtls: EInvoiceParty & { Pos: string };
  RefDtls?: { InvRm: string; PrecDocDtls: { InvNo: string; InvDt: string }[] };
  ItemList: EInvoiceItem[];
  ValDtls: {
    AssVal: number;
    CgstVal: number;
    SgstVal: number;
    IgstVal: number;
    CesVal: number;
    StCesVal: number;
    Discount: number;
    OthChrg: number;
    RndOffAmt: number;
    TotInvVal: number;
  };
}

function party(p: Party): EInvoiceParty {
  return {
    Gstin: p.gstin!,
    LglNm: p.legalName.trim(),
    ...(p.tradeName ? { TrdNm: p.tradeName.trim() } : {}),
    Addr1: p.address.line1.trim(),
    ...(p.address.line2 ? { Addr2: p.address.line2.trim() } : {}),
    Loc: p.address.city.trim(),
    Pin: Number(p.address.pin),
    Stcd: p.address.stateCode,
    ...(p.phone ? { Ph: p.phone } : {}),
    ...(p.email ? { Em: p.email } : {}),
  };
}

/**
 * The GST e-invoice JSON (INV-01, Version 1.1) of an issued invoice or credit note, as it would be
 * sent to an IRP. Figures come from the stored integer paise; values have no rupee round-off
 * (`RndOffAmt` 0). A credit note is `CRN` with the original in `RefDtls.PrecDocDtls`.
 * E-invoicing is for registered recipients (B2B): an invoice to an unregistered one is refused.
 */
export function toEInvoice(doc: InvoiceDocument): EInvoice {
  if (!doc.recipient.gstin)
    throw new FeatureError(
      BillingError.InvoiceInvalid,
      'an e-invoice is for a registered recipient (B2B); this recipient has no GSTIN',
    );
  const t = doc.totals;
  return {
    Version: '1.1',
    TranDtls: { TaxSch: 'GST', SupTyp: 'B2B', RegRev: doc.reverseCharge ? 'Y' : 'N', IgstOnIntra: 'N' },
    DocDtls: {
      Typ: doc.kind === 'credit_note' ? 'CRN' : 'INV',
      No: doc.serial,
      Dt: istDateString(new Date(doc.issuedAt)),
    },
    SellerDtls: party(doc.supplier),
    BuyerDtls: { ...party(doc.recipient), Pos: doc.tax.placeOfSupply.code },
    ...(doc.original
      ? {
          RefDtls: {
            InvRm: doc.reason && doc.reason.length >= 3 ? doc.reason.slice(0, 100) : 'Reversal',
            PrecDocDtls: [{ InvNo: doc.original.serial, InvDt: istDateString(new Date(doc.original.issuedAt)) }],
          },
        }
      : {}),
    ItemList: doc.lines.map((l) => ({
      SlNo: String(l.slNo),
      PrdDesc: l.description.slice(0, 300),
      IsServc: l.sac.startsWith('99') ? 'Y' : 'N',
      HsnCd: l.sac,
      Qty: l.quantity,
      UnitPrice: rupees(l.unitPricePaise),
      TotAmt: rupees(l.grossPaise),
      Discount: rupees(l.discountPaise),
      AssAmt: rupees(l.taxablePaise),
      GstRt: l.gstRateBp / 100,
      IgstAmt: rupees(l.igstPaise),
      CgstAmt: rupees(l.cgstPaise),
      SgstAmt: rupees(l.sgstPaise),
      TotItemVal: rupees(l.totalPaise),
    })),
    ValDtls: {
      AssVal: rupees(t.taxablePaise),
      CgstVal: rupees(t.cgstPaise),
      SgstVal: rupees(t.sgstPaise),
      IgstVal: rupees(t.igstPaise),
      CesVal: 0,
      StCesVal: 0,
      // Discounts are given per line (ItemList[].Discount); this is an invoice-level discount.
      Discount: 0,
      OthChrg: 0,
      RndOffAmt: 0,
      TotInvVal: rupees(t.totalPaise),
    },
  };
}
