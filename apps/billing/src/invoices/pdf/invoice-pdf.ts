import PDFDocument from 'pdfkit';
import { istDateString } from '../financial-year.js';
import { formatRupees, type Party } from '../gst.js';
import type { InvoiceDocument } from '../invoice-document.js';

const MARGIN = 40;
/** The standard PDF fonts have no ₹ glyph: amounts are printed with "INR" (WinAnsi text only). */
const CURRENCY = 'INR';

function partyLines(p: Party): string[] {
  return [
    p.legalName,
    ...(p.tradeName ? [`Trade name: ${p.tradeName}`] : []),
    p.address.line1,
    ...(p.address.line2 ? [p.address.line2] : []),
    `${p.address.city} ${p.address.pin}`,
    `State code: ${p.address.stateCode}`,
    `GSTIN: ${p.gstin ?? 'Unregistered'}`,
  ];
}

/** ASCII only: the standard fonts encode WinAnsi, so typographic quotes and the like are replaced. */
const plain = (s: string) =>
  s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\x20-\x7e]/g, '?');

/**
 * A tax invoice or credit note as a PDF a person can read (A4, pdfkit's standard Helvetica): the
 * Rule 46 particulars — supplier and recipient with GSTINs, serial and date, place of supply with the
 * state's name, reverse charge, each line's SAC, taxable value, rate and tax, the totals and the
 * tax rule applied — and, for a credit note, the invoice it reverses.
 */
export function renderInvoicePdf(doc: InvoiceDocument, opts: { billOfSupply?: boolean } = {}): Promise<Buffer> {
  const title = doc.kind === 'credit_note' ? 'Credit note' : opts.billOfSupply ? 'Bill of supply' : 'Tax invoice';
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${title} ${doc.serial}`,
      Author: plain(doc.supplier.legalName),
      CreationDate: new Date(doc.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = pdf.page.width - 2 * MARGIN;
  const t = doc.totals;
  const intraName = doc.tax.intraStateTax;

  pdf.font('Helvetica-Bold').fontSize(16).text(title.toUpperCase());
  pdf.moveDown(0.3).font('Helvetica').fontSize(9);
  pdf.text(`${doc.kind === 'credit_note' ? 'Credit note' : 'Invoice'} number: ${doc.serial}`);
  pdf.text(`Date: ${istDateString(new Date(doc.issuedAt))}    Financial year: ${doc.financialYear}`);
  if (doc.original)
    pdf.text(
      `Reverses tax invoice ${doc.original.serial} dated ${istDateString(new Date(doc.original.issuedAt))}` +
        (doc.reason ? ` (reason: ${plain(doc.reason)})` : ''),
    );
  pdf.text(`Place of supply: ${doc.tax.placeOfSupply.name} (${doc.tax.placeOfSupply.code})`);
  pdf.text(`Reverse charge: ${doc.reverseCharge ? 'Yes' : 'No'}`);

  const top = pdf.moveDown(0.8).y;
  const half = width / 2 - 10;
  pdf.font('Helvetica-Bold').text('Supplier', MARGIN, top, { width: half });
  pdf.font('Helvetica').text(partyLines(doc.supplier).map(plain).join('\n'), { width: half });
  const leftEnd = pdf.y;
  pdf.font('Helvetica-Bold').text('Recipient', MARGIN + half + 20, top, { width: half });
  pdf.font('Helvetica').text(partyLines(doc.recipient).map(plain).join('\n'), { width: half });
  pdf.x = MARGIN;
  pdf.y = Math.max(leftEnd, pdf.y) + 14;

  // Lines: #, description, SAC, qty, unit price, discount, taxable, rate, tax, total.
  const cols = [18, 120, 44, 28, 55, 45, 55, 30, 50, 0];
  cols[cols.length - 1] = width - cols.reduce((s, c) => s + c, 0);
  const head = ['#', 'Description', 'SAC', 'Qty', 'Unit price', 'Discount', 'Taxable', 'Rate', 'Tax', 'Total'];
  const row = (cells: string[], bold = false) => {
    const y = pdf.y;
    let x = MARGIN;
    let bottom = y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((cell, i) => {
      pdf.text(cell, x, y, { width: cols[i]! - 4, align: i >= 3 ? 'right' : 'left' });
      bottom = Math.max(bottom, pdf.y);
      x += cols[i]!;
    });
    pdf.x = MARGIN;
    pdf.y = bottom + 4;
    if (pdf.y > pdf.page.height - 140) pdf.addPage();
  };
  row(head, true);
  for (const l of doc.lines) {
    const tax = l.igstPaise + l.cgstPaise + l.sgstPaise;
    row([
      String(l.slNo),
      plain(l.description),
      l.sac,
      String(l.quantity),
      formatRupees(l.unitPricePaise),
      formatRupees(l.discountPaise),
      formatRupees(l.taxablePaise),
      `${l.gstRateBp / 100}%`,
      formatRupees(tax),
      formatRupees(l.totalPaise),
    ]);
  }

  pdf.moveDown(0.5).fontSize(9);
  const total = (label: string, paise: number, bold = false) =>
    pdf
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .text(`${label}: ${CURRENCY} ${formatRupees(paise)}`, MARGIN, pdf.y, { width, align: 'right' });
  total('Taxable value', t.taxablePaise);
  if (doc.tax.supplyType === 'inter-state') total('IGST', t.igstPaise);
  else {
    total('CGST', t.cgstPaise);
    total(intraName, t.sgstPaise);
  }
  total(doc.kind === 'credit_note' ? 'Total credited' : 'Invoice total', t.totalPaise, true);
  if (doc.reverseCharge) total('Tax payable by the recipient under reverse charge', t.taxPaise);

  pdf
    .moveDown(1)
    .font('Helvetica')
    .fontSize(8)
    .text(`Tax rule: ${plain(doc.tax.rule)}`, MARGIN, pdf.y, { width });
  pdf.text('Amounts in Indian rupees. Tax per line and head rounded half-up to the paisa; no round-off.', { width });
  pdf.moveDown(1).text(`For ${plain(doc.supplier.legalName)}`, { width, align: 'right' });
  pdf.text('Authorised signatory (electronically issued invoice)', { width, align: 'right' });
  pdf.end();
  return done;
}
