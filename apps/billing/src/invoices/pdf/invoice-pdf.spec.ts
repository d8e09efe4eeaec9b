import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { computeInvoice } from '../gst.js';
import type { InvoiceDocument } from '../invoice-document.js';
import { SUPPLIER, recipientIn } from '../test-parties.js';
import { renderInvoicePdf } from './invoice-pdf.js';

const standardFontDataUrl =
  join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';

/** Reads a PDF back the way a viewer does (pdf.js): the text of each page, lines joined. */
async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, standardFontDataUrl });
  const pdf = await task.promise;
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    texts.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : ' ') : '')).join(''));
  }
  const pages = pdf.numPages;
  await task.destroy();
  return { pages, text: texts.join('\n') };
}

function issued(state: string, over: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    ...computeInvoice({
      supplier: SUPPLIER,
      recipient: recipientIn(state),
      lines: [
        { description: 'Growth plan, December 2026', sac: '998431', quantity: 1, unitPricePaise: 49_900 },
        {
          description: 'SMS pack (1,000 messages)',
          sac: '998431',
          quantity: 3,
          unitPricePaise: 25_000,
          discountPaise: 5_000,
        },
      ],
    }),
    id: '0190f7a0-0000-7000-8000-000000000001',
    tenantId: '0190f7a0-0000-7000-8000-000000000002',
    kind: 'invoice',
    serial: 'LK/26-27/00042',
    financialYear: '2026-27',
    issuedAt: '2026-12-01T06:00:00.000Z',
    original: null,
    reason: null,
    ...over,
  };
}

describe('invoice PDF (pdfkit, read back with pdf.js)', () => {
  it('renders an intra-state tax invoice whose page reads back with every Rule 46 particular', async () => {
    const doc = issued('27');
    const bytes = await renderInvoicePdf(doc);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBe(1);
    for (const want of [
      'TAX INVOICE',
      'Invoice number: LK/26-27/00042',
      'Date: 01/12/2026',
      'Place of supply: Maharashtra (27)',
      'Reverse charge: No',
      'GSTIN: 27AAPFU0939F1ZV',
      `GSTIN: ${doc.recipient.gstin}`,
      'Lekha Software Private Limited',
      '998431',
      'Growth plan, December 2026',
      '1,414.82',
      'Taxable value: INR 1,199.00',
      'CGST: INR 107.91',
      'SGST: INR 107.91',
      'Invoice total: INR 1,414.82',
      'CGST + SGST levied',
      'Authorised signatory',
    ])
      expect(text).toContain(want);
    expect(text).not.toContain('IGST: INR');
  });

  it('renders an inter-state credit note naming the invoice it reverses', async () => {
    const doc = issued('29', {
      kind: 'credit_note',
      serial: 'LKCN/26-27/00001',
      original: { id: 'x', serial: 'LK/26-27/00042', issuedAt: '2026-12-01T06:00:00.000Z' },
      reason: 'refund',
    });
    const { text } = await pdfText(await renderInvoicePdf(doc));
    expect(text).toContain('CREDIT NOTE');
    expect(text).toContain('Reverses tax invoice LK/26-27/00042 dated 01/12/2026');
    expect(text).toContain('Place of supply: Karnataka (29)');
    expect(text).toContain('IGST: INR 215.82');
    expect(text).toContain('Total credited: INR 1,414.82');
  });

  it('runs onto further pages for a long invoice', async () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      description: `Usage line ${i + 1}`,
      sac: '998431',
      quantity: 1,
      unitPricePaise: 100 + i,
    }));
    const doc: InvoiceDocument = {
      ...issued('27'),
      ...computeInvoice({ supplier: SUPPLIER, recipient: recipientIn('27'), lines: many }),
    };
    const { pages, text } = await pdfText(await renderInvoicePdf(doc));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain('Usage line 80');
  });
});
