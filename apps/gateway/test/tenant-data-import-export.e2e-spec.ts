import {
  api,
  readAuditTopic,
  request,
  sharedTestPlatform,
  type SharedTestPlatform,
  signupTenant,
} from '@lekha/testing';
import type { CustomerView } from '@lekha/contracts';
import { parseCsv } from '../src/customers/csv.js';
import { userWithRole } from './bus-test-helpers.js';

/**
 * Customers CSV import and CSV/JSON export through the gateway (real broker, real database): an
 * import is all or nothing with a report naming every bad row (never its values), RFC 4180 quoting,
 * an export that imports again as it was, formula-safe cells, a viewer refused, and no tenant
 * seeing another's customers.
 */
describe('tenant data: customers import and export', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let imported: string[] = [];

  const importCsv = (csv: string, token: string) =>
    http.raw('POST', '/v1/customers/import', csv, { token, headers: { 'content-type': 'text/csv' } });
  const exportAs = async (format: 'csv' | 'json', token: string) => {
    const res = await http.text(`/v1/customers/export?format=${format}`, token);
    return { status: res.status, type: res.headers.get('content-type'), text: res.text };
  };
  const allCustomers = async (token: string): Promise<CustomerView[]> => {
    const items: CustomerView[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: CustomerView[]; nextCursor: string | null } } = await http.get(
        `/v1/customers?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '33' });

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Glow Salon', 'Kavya');
    b = await signup('Cool Waters', 'Imran');
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('imports a file with quoted commas, quotes and line breaks, a BOM and CRLF, all in one go', async () => {
    const csv =
      '\uFEFF' +
      [
        'name,phone,email,address.line1,address.city,address.pincode,notes,tags,preferredLanguage,' +
          'consent.sms,consent.whatsapp,extra.membership',
        '"Rao, Meena",+91 98450 10001,Meena.Rao@Example.in,"12, MG Road",Bengaluru,560001,' +
          '"said ""call after 6""\r\nprefers mornings",vip;Walk-in,kn,yes,no,gold',
        'Ravi Kumar,9845010002,,,,,"=HYPERLINK(""http://x"")",,,,,',
        'Sita,,sita@example.in,,,,,regular,hi,true,1,',
      ].join('\r\n') +
      '\r\n';
    const res = await importCsv(csv, a.accessToken);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ imported: 3, ids: [expect.any(String), expect.any(String), expect.any(String)] });
    imported = res.body.ids;
    const meena = await http.get(`/v1/customers/${imported[0]}`, a.accessToken);
    expect(meena.body).toMatchObject({
      name: 'Rao, Meena',
      phone: '+919845010001',
      email: 'meena.rao@example.in',
      addresses: [{ line1: '12, MG Road', city: 'Bengaluru', pincode: '560001' }],
      notes: 'said "call after 6"\r\nprefers mornings',
      tags: ['vip', 'walk-in'],
      preferredLanguage: 'kn',
      marketingConsent: { sms: true, whatsapp: false, email: false },
      extra: { membership: 'gold' },
    });
    expect((await http.get(`/v1/customers/${imported[1]}`, a.accessToken)).body).toMatchObject({
      name: 'Ravi Kumar',
      phone: '+919845010002',
      email: null,
      notes: '=HYPERLINK("http://x")',
    });
    expect((await http.get(`/v1/customers/${imported[2]}`, a.accessToken)).body).toMatchObject({
      name: 'Sita',
      marketingConsent: { sms: true, whatsapp: true, email: false },
    });
    const history = await http.get(`/v1/customers/${imported[0]}/history`, a.accessToken);
    expect(history.body.items).toEqual([expect.objectContaining({ action: 'create', actorId: a.userId })]);

    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.resource.type === 'customer_import' && e.action === 'create' && e.subjectIds.length === 3),
    );
    const creation = events.find(
      (e) => e.resource.type === 'customer_import' && e.action === 'create' && e.subjectIds.length === 3,
    )!;
    expect(creation).toMatchObject({ tenantId: a.tenantId, outcome: 'allowed', actor: { id: a.userId } });
    expect([...creation.subjectIds].sort()).toEqual([...imported].sort());
    expect(creation.fields).toEqual(
      expect.arrayContaining([
        { name: 'phone', category: 'user.contact.phone' },
        { name: 'extra', category: 'user.custom' },
      ]),
    );
  });

  it('imports nothing when one row is bad, and reports every bad row without its values', async () => {
    const before = (await allCustomers(a.accessToken)).length;
    const csv = [
      'name,phone,email,address.pincode,consent.email',
      'Good One,+91 90000 20001,good1@example.in,,',
      'Bad Email,+91 90000 20002,not-an-email-xyz,,',
      'Good Two,+91 90000 20003,,,',
      ',+91 90000 20004,,99,maybe',
      'Twin,+91 90000 20003,,,',
      'Taken,+91 98450 10001,,,',
      '"Quoted, fine",,,,false',
    ].join('\n');
    const res = await importCsv(csv, a.accessToken);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_REJECTED');
    expect(res.body.error.details).toEqual([
      { row: 3, field: 'email', message: expect.any(String) },
      { row: 5, field: 'address.city', message: expect.any(String) },
      { row: 5, field: 'address.line1', message: expect.any(String) },
      { row: 5, field: 'address.pincode', message: 'must be a 6-digit PIN code' },
      { row: 5, field: 'consent.email', message: expect.stringMatching(/true or false/) },
      { row: 5, field: 'name', message: expect.any(String) },
      { row: 6, field: 'phone', message: 'same phone as row 4' },
      { row: 7, field: 'phone', message: 'a customer with this phone exists already' },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/not-an-email-xyz|90000 2000|9845010001|maybe/);
    expect((await allCustomers(a.accessToken)).length).toBe(before);
    expect((await allCustomers(a.accessToken)).map((c) => c.name)).not.toContain('Good One');

    const schemaOnly = await importCsv('name,phone,address.pincode\n,+91 90000 20009,99\n', a.accessToken);
    expect(schemaOnly.status).toBe(422);
    expect(schemaOnly.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'address.city',
      'address.line1',
      'address.pincode',
      'name',
    ]);
  });

  it('security #16: an import sees a phone written with a trunk 0 after +91 (or 0091) as that number', async () => {
    const rows = ['Meena Again,+91 0 98450 10001', 'Twin A,0091 90000 20021', 'Twin B,+91 (0) 90000-20021'];
    const csv = ['name,phone', ...rows].join('\n');
    const res = await importCsv(csv, a.accessToken);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { row: 2, field: 'phone', message: 'a customer with this phone exists already' },
      { row: 4, field: 'phone', message: 'same phone as row 3' },
    ]);
  });

  it('refuses a broken file, an unknown column, a missing name column and a wrong content type', async () => {
    const open = await importCsv('name,notes\nAsha,"never closed\n', a.accessToken);
    expect(open.status).toBe(422);
    expect(open.body.error.details).toEqual([{ row: 2, field: 'row', message: 'a quoted field is not closed' }]);
    const unknown = await importCsv('name,aadhaar\nAsha,1234\n', a.accessToken);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ row: 1, field: 'column 2', message: 'is not a customer column' }]);
    const nameless = await importCsv('phone\n+91 90000 20010\n', a.accessToken);
    expect(nameless.body.error.details).toEqual([{ row: 1, field: 'name', message: 'the name column is required' }]);
    const ragged = await importCsv('name,phone\nAsha\n', a.accessToken);
    expect(ragged.body.error.details).toEqual([
      { row: 2, field: 'row', message: 'has 1 fields where the header has 2' },
    ]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
    const json = await request<any>(tp.gatewayUrl, 'POST', '/v1/customers/import', {
      body: { name: 'x' },
      token: a.accessToken,
    });
    expect(json.status).toBe(400);
    expect(json.body.error.details).toEqual([{ path: 'content-type', message: 'must be text/csv' }]);
    const empty = await importCsv('name\n', a.accessToken);
    expect(empty.status).toBe(400);
  });

  it('refuses more than 10,000 rows and more than 5 MiB', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `P${i}`);
    const many = await importCsv(`name\n${rows.join('\n')}\n`, a.accessToken);
    expect(many.status).toBe(413);
    expect(many.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const big = await importCsv(`name,notes\n${'x,' + 'y'.repeat(4000) + '\n'}`.repeat(1400), a.accessToken);
    expect(big.status).toBe(413);
  });

  it('exports CSV and JSON with what was imported; the CSV is formula-safe and imports again as it was', async () => {
    const json = await exportAs('json', a.accessToken);
    expect(json.status).toBe(200);
    expect(json.type).toMatch(/application\/json/);
    const items = JSON.parse(json.text) as CustomerView[];
    const byId = new Map(items.map((c) => [c.id, c]));
    for (const id of imported)
      expect(byId.get(id)).toEqual((await http.get(`/v1/customers/${id}`, a.accessToken)).body);
    expect(items.length).toBe((await allCustomers(a.accessToken)).length);

    const csv = await exportAs('csv', a.accessToken);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/text\/csv/);
    const [header, ...rows] = parseCsv(csv.text);
    const col = (name: string) => header!.cells.indexOf(name);
    const ravi = rows.find((r) => r.cells[col('id')] === imported[1])!;
    expect(ravi.cells[col('notes')]).toBe('\'=HYPERLINK("http://x")');
    expect(ravi.cells[col('phone')]).toBe("'+919845010002");
    expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);
    const meena = rows.find((r) => r.cells[col('id')] === imported[0])!;
    expect(meena.cells[col('notes')]).toBe('said "call after 6"\r\nprefers mornings');
    expect(JSON.parse(meena.cells[col('addresses')]!)).toEqual([
      { line1: '12, MG Road', city: 'Bengaluru', pincode: '560001' },
    ]);

    // The other tenant imports A's export file: same customers, field for field (ids and times aside).
    const again = await importCsv(csv.text, b.accessToken);
    expect(again.status).toBe(201);
    expect(again.body.imported).toBe(items.length);
    const strip = ({ id: _id, createdAt: _c, updatedAt: _u, ...rest }: CustomerView) => rest;
    const inB = JSON.parse((await exportAs('json', b.accessToken)).text) as CustomerView[];
    expect(inB.map(strip).sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      items.map(strip).sort((x, y) => x.name.localeCompare(y.name)),
    );
    expect(inB.some((c) => byId.has(c.id))).toBe(false);
  });

  it('audits every export page with the customers it held', async () => {
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.filter((e) => e.action === 'export' && e.resource.type === 'customer' && e.tenantId === a.tenantId)
          .length >= 2,
    );
    const exports = events.filter(
      (e) => e.action === 'export' && e.resource.type === 'customer' && e.tenantId === a.tenantId,
    );
    for (const e of exports) expect(e.subjectIds).toEqual(expect.arrayContaining(imported));
    expect(exports[0]!.fields).toEqual(expect.arrayContaining([{ name: 'phone', category: 'user.contact.phone' }]));
  });

  it('refuses a viewer (403, audited) and gives another tenant none of A’s customers', async () => {
    const viewer = await userWithRole(tp.gatewayUrl, a.accessToken, 'viewer');
    const res = await exportAs('csv', viewer.accessToken);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('FORBIDDEN');
    const viewerImport = await importCsv('name\nX\n', viewer.accessToken);
    expect(viewerImport.status).toBe(403);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.action === 'export' && e.outcome === 'denied' && e.tenantId === a.tenantId),
    );
    expect(
      events.find((e) => e.action === 'export' && e.outcome === 'denied' && e.tenantId === a.tenantId),
    ).toMatchObject({ reason: 'forbidden', subjectIds: [] });

    const other = await signup('Third Shop', 'Farah');
    const empty = await exportAs('json', other.accessToken);
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.text)).toEqual([]);
    const emptyCsv = await exportAs('csv', other.accessToken);
    expect(parseCsv(emptyCsv.text)).toHaveLength(1);
    for (const id of imported) expect((await http.get(`/v1/customers/${id}`, other.accessToken)).status).toBe(404);
  });

  it('security #13: neutralises formulas after a semicolon or blanks; a semicolon locale runs none', async () => {
    const c = await signup('Semicolon Traders', 'Lata');
    const values = {
      name: 'Asha; @SUM(A1)',
      notes: 'ok;=HYPERLINK("http://x.example/?q=1","open")',
      healthNotes: '   =1+2',
      extra: { memo: '   =1+2', code: ' ;  +91 dial', plain: 'a;b' },
    };
    const created = await http.post('/v1/customers', values, c.accessToken);
    expect(created.status).toBe(201);
    const csv = await exportAs('csv', c.accessToken);
    expect(csv.status).toBe(200);
    const lines = csv.text.split(/\r?\n/).filter(Boolean);
    // Read as a semicolon-separated file (quotes ignored, as such a spreadsheet splits it): no live formula.
    for (const line of lines) for (const cell of line.split(';')) expect(cell).not.toMatch(/^\s*[=+\-@]/);
    const [header, row] = parseCsv(csv.text);
    const col = (name: string) => header!.cells.indexOf(name);
    expect(row!.cells[col('name')]).toBe("Asha;' @SUM(A1)");
    expect(row!.cells[col('notes')]).toBe('ok;\'=HYPERLINK("http://x.example/?q=1","open")');
    expect(row!.cells[col('healthNotes')]).toBe("'   =1+2");
    // Every cell holding a semicolon is quoted.
    expect(lines[1]).toContain('"Asha;\' @SUM(A1)"');
    // And the file imports as it was.
    const d = await signup('Round Trip Traders', 'Mala');
    expect((await importCsv(csv.text, d.accessToken)).status).toBe(201);
    const back = JSON.parse((await exportAs('json', d.accessToken)).text) as CustomerView[];
    expect(back.map(({ name, notes, healthNotes, extra }) => ({ name, notes, healthNotes, extra }))).toEqual([values]);
  });

  it('imports 10,000 rows in one transaction', async () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) =>
        `Customer ${i},+91 7${String(i).padStart(9, '0')},c${i}.${stamp}@example.in,` +
        `"${i} Main Road",Chennai,tag${i % 7};bulk,ta,${i % 2 === 0}`,
    );
    const csv = `name,phone,email,address.line1,address.city,tags,preferredLanguage,consent.sms\n${rows.join('\n')}\n`;
    const started = Date.now();
    const res = await importCsv(csv, b.accessToken);
    // Measured, not asserted: the figure goes to the report.
    console.log(`import of 10,000 rows (${(csv.length / 1024).toFixed(0)} KiB): ${Date.now() - started} ms`);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(10_000);
    expect(new Set(res.body.ids).size).toBe(10_000);
    const found = await http.get(`/v1/customers?phone=${encodeURIComponent('+917000009999')}`, b.accessToken);
    expect(found.body.items.map((c: CustomerView) => c.id)).toEqual([res.body.ids[9999]]);
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.filter(
          (e) =>
            e.tenantId === b.tenantId &&
            e.resource.type === 'customer_import' &&
            e.action === 'create' &&
            e.subjectIds.length === 1000,
        ).length >= 10,
    );
    const groups = events.filter(
      (e) =>
        e.tenantId === b.tenantId &&
        e.resource.type === 'customer_import' &&
        e.action === 'create' &&
        e.subjectIds.length === 1000,
    );
    expect(new Set(groups.flatMap((e) => e.subjectIds))).toEqual(new Set(res.body.ids));
  }, 300_000);
});
