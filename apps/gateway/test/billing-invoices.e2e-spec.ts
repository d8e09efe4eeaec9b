import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { gstinCheckChar } from '@lekha/contracts';
import { REPO_ROOT, api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

const require = createRequire(import.meta.url);
const standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'apps/billing/src/invoices/einvoice/inv-01.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** pdf.js 6 wants Node ≥ 22 (`Promise.withResolvers`); on an older Node the test supplies it. */
function withResolvers<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const promises = Promise as unknown as { withResolvers?: typeof withResolvers };
promises.withResolvers ??= withResolvers;

/** Reads a PDF back the way a viewer does (pdf.js): the text of every page. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: bytes, useSystemFonts: false, standardFontDataUrl });
  const pdf = await task.promise;
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    texts.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : ' ') : '')).join(''));
  }
  await task.destroy();
  return texts.join('\n');
}

const gstinIn = (stateCode: string) => {
  const first14 = `${stateCode}AABCT1234C1Z`;
  return first14 + gstinCheckChar(first14);
};

/**
 * Platform → tenant GST invoices through the gateway over real HTTP, billing behind the bus: a platform
 * admin issues intra- and inter-state invoices; the tenant lists them, reads one as JSON, as a PDF
 * (read back with pdf.js) and as INV-01 e-invoice JSON (validated with ajv); another tenant gets 404.
 */
describe('billing invoices through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let adminToken: string;
  const stamp = `${Date.now().toString(36)}i`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
  });

  const issue = (tenantId: string, stateCode: string, token = adminToken) =>
    http.post(
      '/v1/platform/billing/invoices',
      {
        tenantId,
        recipient: {
          legalName: `Jal Mitra Water Services ${stateCode}`,
          gstin: gstinIn(stateCode),
          address: { line1: '12 MG Road', city: 'Somewhere', pin: '560001', stateCode },
        },
        lines: [{ description: 'Growth plan, December 2026', quantity: 1, unitPricePaise: 49_900 }],
      },
      token,
    );

  it('P60: issues intra- and inter-state invoices to the paisa; the tenant lists and reads them as JSON', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Jal Mitra Pune', 'Asha', { stamp, stateCode: '27' });
    expect((await issue(owner.tenantId, '27', owner.accessToken)).status).toBe(403);

    const intra = await issue(owner.tenantId, '27');
    expect(intra.status).toBe(201);
    expect(intra.body).toMatchObject({
      type: 'invoice',
      serial: expect.stringMatching(/^LK\/\d{2}-\d{2}\/\d{5}$/),
      totals: { taxablePaise: 49_900, cgstPaise: 4_491, sgstPaise: 4_491, igstPaise: 0, totalPaise: 58_882 },
    });
    const inter = await issue(owner.tenantId, '29');
    expect(inter.status).toBe(201);
    expect(inter.body).toMatchObject({
      totals: { taxablePaise: 49_900, cgstPaise: 0, sgstPaise: 0, igstPaise: 8_982, totalPaise: 58_882 },
      tax: { rule: expect.stringMatching(/Inter-state supply.*Karnataka \(29\); IGST levied/) },
    });

    const first = await http.get('/v1/billing/invoices?limit=1', owner.accessToken);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([inter.body.id]);
    const second = await http.get(`/v1/billing/invoices?limit=1&cursor=${first.body.nextCursor}`, owner.accessToken);
    expect(second.body).toMatchObject({ items: [{ id: intra.body.id }], nextCursor: null });

    const one = await http.get(`/v1/billing/invoices/${intra.body.id}`, owner.accessToken);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(intra.body);
  });

  it('P60: serves the PDF (pdf.js) and the INV-01 e-invoice (ajv); another tenant gets 404', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Lotus Salon Pune', 'Meera', { stamp, stateCode: '27' });
    const other = await signupTenant(tp.gatewayUrl, 'Ganga Water', 'Ravi', { stamp, stateCode: '29' });
    const inter = (await issue(owner.tenantId, '29')).body;

    const res = await fetch(`${tp.gatewayUrl}/v1/billing/invoices/${inter.id}?format=pdf`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="invoice-LK-\d{2}-\d{2}-\d{5}\.pdf"$/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toContain('TAX INVOICE');
    expect(text).toContain(inter.serial);
    expect(text).toContain('588.82');
    expect(text).toContain('IGST');

    const einvoice = await http.get(`/v1/billing/invoices/${inter.id}?format=einvoice`, owner.accessToken);
    expect(einvoice.status).toBe(200);
    expect(validate(einvoice.body)).toBe(true);
    expect(einvoice.body).toMatchObject({
      Version: '1.1',
      DocDtls: { Typ: 'INV', No: inter.serial },
      ValDtls: { AssVal: 499, IgstVal: 89.82, CgstVal: 0, SgstVal: 0, TotInvVal: 588.82 },
    });

    expect((await http.get(`/v1/billing/invoices/${inter.id}?format=docx`, owner.accessToken)).status).toBe(400);
    for (const format of ['', '?format=pdf', '?format=einvoice']) {
      const res = await http.get(`/v1/billing/invoices/${inter.id}${format}`, other.accessToken);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'BILLING_INVOICE_NOT_FOUND' });
    }
    expect((await http.get('/v1/billing/invoices', other.accessToken)).body.items).toEqual([]);
  });
});
