import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT, api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/**
 * Tenant ledgers through the gateway over real HTTP, with billing behind the bus: accounts, balanced
 * entries (422 when not), reversal, balances, a statement as JSON and as formula-safe CSV, the chain
 * check, and walls between tenants. On PostgreSQL a row is also edited straight in the database (as
 * superuser) and both `GET /v1/ledgers/verify` and `lekha ledgers verify` catch it; on PGlite the same
 * is proven at the use-case tier (the service holds the embedded database alone).
 */
describe('tenant ledgers through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = `${Date.now().toString(36)}l`;
  const UTR = '612345678901';

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  async function until<T>(what: string, fn: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function books(name: string) {
    const owner = await signupTenant(tp.gatewayUrl, `${name} PG`, name, { stamp });
    const customerId = '0190a1b2-0000-7000-8000-00000000c0de';
    const open = async (body: Record<string, unknown>) => {
      const res = await http.post('/v1/ledgers/accounts', body, owner.accessToken);
      expect(res.status).toBe(201);
      return res.body as { id: string; name: string };
    };
    const rent = await open({ name: '=Rent, Asha "room 4"', kind: 'receivable', customerId });
    const upi = await open({ name: 'UPI', kind: 'upi' });
    const income = await open({ name: 'Rent income', kind: 'income' });
    const post = (body: Record<string, unknown>) => http.post('/v1/ledgers/entries', body, owner.accessToken);
    return { owner, customerId, rent, upi, income, post };
  }

  it('P08, P63: posts balanced entries (422 when not), reverses one, and reports balances', async () => {
    const b = await books('Meena');
    const due = await b.post({
      reason: 'rent_due',
      occurredOn: '2026-12-01',
      description: 'December rent',
      lines: [
        { accountId: b.rent.id, debitPaise: 1500000 },
        { accountId: b.income.id, creditPaise: 1500000 },
      ],
    });
    expect(due.status).toBe(201);
    expect(due.body).toMatchObject({ seq: 1, reason: 'rent_due', description: 'December rent' });

    const unbalanced = await b.post({
      reason: 'upi_payment',
      lines: [
        { accountId: b.upi.id, debitPaise: 1000000 },
        { accountId: b.rent.id, creditPaise: 999999 },
      ],
    });
    expect(unbalanced.status).toBe(422);
    expect(unbalanced.body.error).toMatchObject({ code: 'UNPROCESSABLE', reason: 'LEDGER_UNBALANCED' });
    const badUtr = await b.post({
      reason: 'upi_payment',
      upiReference: '12345',
      lines: [
        { accountId: b.upi.id, debitPaise: 1 },
        { accountId: b.rent.id, creditPaise: 1 },
      ],
    });
    expect(badUtr.status).toBe(400);

    const paid = await b.post({
      reason: 'upi_payment',
      occurredOn: '2026-12-03',
      upiReference: UTR,
      lines: [
        { accountId: b.upi.id, debitPaise: 1000000 },
        { accountId: b.rent.id, creditPaise: 1000000 },
      ],
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ seq: 2, upiReference: UTR });
    const twice = await b.post({
      reason: 'upi_payment',
      occurredOn: '2026-12-03',
      lines: [
        { accountId: b.upi.id, debitPaise: 1000000 },
        { accountId: b.rent.id, creditPaise: 1000000 },
      ],
    });
    const reversed = await http.post(
      `/v1/ledgers/entries/${twice.body.id}/reverse`,
      { description: 'recorded twice' },
      b.owner.accessToken,
    );
    expect(reversed.status).toBe(201);
    expect(reversed.body).toMatchObject({ reverses: twice.body.id, reason: 'reversal', seq: 4 });
    const again = await http.post(`/v1/ledgers/entries/${twice.body.id}/reverse`, {}, b.owner.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('LEDGER_ALREADY_REVERSED');

    const balances = await http.get(`/v1/ledgers/balances?customerId=${b.customerId}`, b.owner.accessToken);
    expect(balances.status).toBe(200);
    expect(balances.body.customers).toEqual([
      { customerId: b.customerId, debitPaise: 2500000, creditPaise: 2000000, balancePaise: 500000 },
    ]);
    const entries = await http.get(`/v1/ledgers/entries?accountId=${b.upi.id}&limit=2`, b.owner.accessToken);
    expect(entries.status).toBe(200);
    expect(entries.body.items.map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
    const rest = await http.get(
      `/v1/ledgers/entries?accountId=${b.upi.id}&limit=2&cursor=${entries.body.nextCursor}`,
      b.owner.accessToken,
    );
    expect(rest.body.items.map((e: { seq: number }) => e.seq)).toEqual([4]);
    const accounts = await http.get('/v1/ledgers/accounts', b.owner.accessToken);
    expect(accounts.body.items).toHaveLength(3);

    const verify = await http.get('/v1/ledgers/verify', b.owner.accessToken);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, entries: 4, headSeq: 4, headHash: reversed.body.hash });
  });

  it('P63: a record type posts rent due to the ledger; deleting the record reverses it', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Posting PG', 'Pooja', { stamp });
    const t = owner.accessToken;
    const income = await http.post('/v1/ledgers/accounts', { name: 'Rent income', kind: 'income', code: 'RENT' }, t);
    expect(income.status).toBe(201);
    const schema = (amountField: string, credit: unknown) => ({
      'x-ledger': { reason: 'rent_due', amountField, debit: 'customer_receivable', credit },
      type: 'object',
      required: ['month', 'amountPaise'],
      properties: {
        month: { type: 'string', 'x-category': 'business.operational' },
        amountPaise: { type: 'integer', minimum: 1, 'x-category': 'user.financial' },
      },
    });
    // The amount must be an integer field of the type.
    const bad = await http.post(
      '/v1/records/types',
      { key: 'rent_bad', schema: schema('month', { accountCode: 'RENT' }) },
      t,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'schema.x-ledger.amountField' })]);
    const type = await http.post(
      '/v1/records/types',
      { key: 'rent_due', schema: schema('amountPaise', { accountCode: 'RENT' }) },
      t,
    );
    expect(type.status).toBe(201);
    const customer = await http.post('/v1/customers', { name: 'Asha Tenant', phone: '+919812300091' }, t);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;

    const record = await http.post(
      '/v1/records',
      { type: 'rent_due', customerId, data: { month: '2026-12', amountPaise: 1_250_000 } },
      t,
    );
    expect(record.status).toBe(201);
    const balance = async () => {
      const res = await http.get(`/v1/ledgers/balances?customerId=${customerId}`, t);
      expect(res.status).toBe(200);
      return res.body.customers as { customerId: string; debitPaise: number; creditPaise: number }[];
    };
    await until('billing to post the record', balance, (c) => c.length === 1 && c[0]!.debitPaise === 1_250_000);
    const posted = await http.get('/v1/ledgers/entries', t);
    expect(posted.body.items).toEqual([
      expect.objectContaining({
        seq: 1,
        reason: 'rent_due',
        createdBy: 'billing',
        lines: expect.arrayContaining([expect.objectContaining({ accountId: income.body.id, creditPaise: 1_250_000 })]),
      }),
    ]);
    const receivable = await http.get(`/v1/ledgers/accounts?customerId=${customerId}`, t);
    expect(receivable.body.items).toEqual([expect.objectContaining({ kind: 'receivable', customerId })]);

    // Deleting the record reverses its entry, once; the customer owes nothing from it.
    expect((await http.delete(`/v1/records/${record.body.id}`, t)).status).toBe(204);
    await until('billing to reverse it', balance, (c) => c.length === 1 && c[0]!.creditPaise === 1_250_000);
    const entries = await http.get('/v1/ledgers/entries', t);
    expect(entries.body.items).toHaveLength(2);
    expect(entries.body.items[1]).toMatchObject({ reverses: entries.body.items[0].id, createdBy: 'billing' });
    expect((await http.get('/v1/ledgers/verify', t)).body).toMatchObject({ ok: true, entries: 2 });
  });

  it('P21, P63: a rent statement as JSON and as CSV (RFC 4180, formula-safe) with running balances', async () => {
    const b = await books('Ravi');
    const lines = (debit: string, credit: string, paise: number) => [
      { accountId: debit, debitPaise: paise },
      { accountId: credit, creditPaise: paise },
    ];
    for (const body of [
      { reason: 'rent_due', occurredOn: '2026-11-01', lines: lines(b.rent.id, b.income.id, 1500000) },
      { reason: 'rent_due', occurredOn: '2026-12-01', lines: lines(b.rent.id, b.income.id, 1500000) },
      {
        reason: 'upi_payment',
        occurredOn: '2026-12-04',
        upiReference: UTR,
        description: '=cmd|" /C calc"!A0, paid "in full"',
        lines: lines(b.upi.id, b.rent.id, 3000000),
      },
    ])
      expect((await b.post(body)).status).toBe(201);

    const q = `accountId=${b.rent.id}&from=2026-12-01&to=2026-12-31`;
    const json = await http.get(`/v1/ledgers/statement?${q}&format=json`, b.owner.accessToken);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      openingBalancePaise: 1500000,
      closingBalancePaise: 0,
      from: '2026-12-01',
      to: '2026-12-31',
    });
    expect(json.body.lines.map((l: { balancePaise: number }) => l.balancePaise)).toEqual([3000000, 0]);

    const csv = await http.text(`/v1/ledgers/statement?${q}&format=csv`, b.owner.accessToken);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment; filename="statement-account-');
    const rows = csv.text.split('\r\n');
    expect(rows[0]).toBe('date,seq,entry_id,account,reason,description,upi_reference,reverses,debit,credit,balance');
    expect(rows[1]).toBe('2026-12-01,,,,opening_balance,,,,,,15000.00');
    expect(rows[2]).toMatch(/^2026-12-01,2,[0-9a-f-]{36},"'=Rent, Asha ""room 4""",rent_due,,,,15000\.00,,30000\.00$/);
    expect(rows[3]).toContain(`"'=cmd|"" /C calc""!A0, paid ""in full""",${UTR},,,30000.00,0.00`);
    expect(rows[4]).toBe('');
    expect(rows).toHaveLength(5);

    const neither = await http.get('/v1/ledgers/statement?format=csv', b.owner.accessToken);
    expect(neither.status).toBe(400);
    const byPath = await http.text(
      `/v1/ledgers/accounts/${b.rent.id}/statement?from=2026-12-01&to=2026-12-31&format=csv`,
      b.owner.accessToken,
    );
    expect(byPath.status).toBe(200);
    expect(byPath.text).toBe(csv.text);

    const journal = await http.text('/v1/ledgers/export?format=csv', b.owner.accessToken);
    expect(journal.status).toBe(200);
    expect(journal.headers.get('content-type')).toContain('text/csv');
    const jrows = journal.text.split('\r\n');
    expect(jrows[0]).toBe(
      'seq,entry_id,date,reason,description,upi_reference,reverses,line,account_id,account,debit,credit,hash',
    );
    expect(jrows).toHaveLength(1 + 6 + 1);
    expect(jrows[5]).toContain(`,${UTR},,1,${b.upi.id},UPI,30000.00,,`);
    expect(jrows[6]).toContain(`,2,${b.rent.id},"'=Rent, Asha ""room 4""",,30000.00,`);
  });

  it('P08: walls between tenants: another tenant’s accounts, entries and statements are not there', async () => {
    const a = await books('Asha');
    const b = await books('Bala');
    const entry = await a.post({
      reason: 'deposit',
      lines: [
        { accountId: a.upi.id, debitPaise: 500000 },
        { accountId: a.rent.id, creditPaise: 500000 },
      ],
    });
    expect(entry.status).toBe(201);
    const cross = await b.post({
      reason: 'deposit',
      lines: [
        { accountId: b.upi.id, debitPaise: 1 },
        { accountId: a.rent.id, creditPaise: 1 },
      ],
    });
    expect(cross.status).toBe(422);
    expect(cross.body.error.reason).toBe('LEDGER_ACCOUNT_UNKNOWN');
    expect((await http.post(`/v1/ledgers/entries/${entry.body.id}/reverse`, {}, b.owner.accessToken)).status).toBe(404);
    expect((await http.get(`/v1/ledgers/statement?accountId=${a.rent.id}`, b.owner.accessToken)).status).toBe(404);
    const listed = await http.get('/v1/ledgers/entries', b.owner.accessToken);
    expect(listed.body.items).toEqual([]);
    const verify = await http.get('/v1/ledgers/verify', b.owner.accessToken);
    expect(verify.body).toMatchObject({ ok: true, entries: 0 });
    expect((await http.get('/v1/ledgers/balances')).status).toBe(401);
  });

  it('P08: a row edited in PostgreSQL is caught by GET /v1/ledgers/verify and `lekha ledgers verify`', async () => {
    if (!tp.database.url) return; // PGlite: the same is proven in apps/billing/test/ledgers.use-cases-spec.ts
    const b = await books('Tara');
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await b.post({
        reason: 'upi_payment',
        lines: [
          { accountId: b.upi.id, debitPaise: 1000 * i },
          { accountId: b.rent.id, creditPaise: 1000 * i },
        ],
      });
      ids.push(res.body.id);
    }
    const cli = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [
          join(REPO_ROOT, 'apps/lekha/dist/main.js'),
          'ledgers',
          'verify',
          '--json',
          '--database-url',
          tp.database.url!,
          '--tenant',
          b.owner.tenantId,
        ]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const before = await cli();
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out)).toEqual([expect.objectContaining({ ok: true, entries: 3 })]);

    const client = new pg.Client({ connectionString: tp.database.url });
    await client.connect();
    try {
      // A superuser can do anything; the point is that it shows.
      await client.query('begin');
      await client.query(`set local session_replication_role = replica`);
      await client.query(
        `update billing.ledger_lines set debit_paise = debit_paise * 10 where entry_id = $1 and line_no = 1`,
        [ids[1]],
      );
      await client.query(
        `update billing.ledger_lines set credit_paise = credit_paise * 10 where entry_id = $1 and line_no = 2`,
        [ids[1]],
      );
      await client.query('commit');
    } finally {
      await client.end();
    }
    const verify = await http.get('/v1/ledgers/verify', b.owner.accessToken);
    expect(verify.body).toMatchObject({
      ok: false,
      entries: 1,
      firstBroken: { seq: 2, entryId: ids[1], problem: 'hash_mismatch' },
    });
    const after = await cli();
    expect(after.code).toBe(1);
    expect(JSON.parse(after.out)[0]).toMatchObject({ ok: false, firstBroken: { seq: 2, problem: 'hash_mismatch' } });
  });
});
