import { randomUUID } from 'node:crypto';
import { LedgerOps, type LedgerEntryView } from '@lekha/contracts';
import { Database, inTenantTransaction } from '@lekha/persistence';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { BillingTenantEraser } from '../src/erasure/billing-tenant-eraser.js';
import { startBilling } from './billing-harness.js';

const UTR = '412345678901';

describe('tenant ledgers (use cases on a real database)', () => {
  let h: UseCaseHarness;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    h.app.get(Database).em().execute<T[]>(text, params);

  beforeAll(async () => {
    h = await startBilling();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A tenant with a customer's rent receivable, a UPI account and an income account. */
  async function books(owner: Caller = h.tenantCaller(['owner'])) {
    const customerId = randomUUID();
    const rent = await h.call(
      LedgerOps.createAccount,
      { name: 'Rent — Asha, room 4', kind: 'receivable', customerId, code: 'RENT-R4' },
      owner,
    );
    const upi = await h.call(LedgerOps.createAccount, { name: 'UPI collections', kind: 'upi' }, owner);
    const income = await h.call(LedgerOps.createAccount, { name: 'Rent income', kind: 'income' }, owner);
    const post = (lines: { accountId: string; debitPaise?: number; creditPaise?: number }[], extra = {}) =>
      h.call(LedgerOps.postEntry, { reason: 'rent_due', lines, ...extra }, owner);
    return { owner, customerId, rent, upi, income, post };
  }

  it('P08, P63: posts balanced entries with a UPI reference; balances per account and per customer', async () => {
    const b = await books();
    const due = await b.post(
      [
        { accountId: b.rent.id, debitPaise: 1500000 },
        { accountId: b.income.id, creditPaise: 1500000 },
      ],
      { description: 'December rent, Asha', occurredOn: '2026-12-01' },
    );
    expect(due).toMatchObject({ seq: 1, reason: 'rent_due', description: 'December rent, Asha', reverses: null });
    const paid = await b.post(
      [
        { accountId: b.upi.id, debitPaise: 1000000 },
        { accountId: b.rent.id, creditPaise: 1000000 },
      ],
      { reason: 'upi_payment', upiReference: UTR, occurredOn: '2026-12-03' },
    );
    expect(paid).toMatchObject({ seq: 2, upiReference: UTR, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const balances = await h.call(LedgerOps.balances, {}, b.owner);
    const of = (id: string) => balances.accounts.find((a) => a.accountId === id)!;
    expect(of(b.rent.id)).toMatchObject({ debitPaise: 1500000, creditPaise: 1000000, balancePaise: 500000 });
    expect(of(b.upi.id).balancePaise).toBe(1000000);
    expect(of(b.income.id).balancePaise).toBe(-1500000);
    expect(balances.customers).toEqual([
      { customerId: b.customerId, debitPaise: 1500000, creditPaise: 1000000, balancePaise: 500000 },
    ]);
    expect(balances.totalDebitPaise).toBe(balances.totalCreditPaise);
    const asOf = await h.call(LedgerOps.balances, { asOf: '2026-12-02' }, b.owner);
    expect(asOf.customers[0]!.balancePaise).toBe(1500000);

    // Names, descriptions and UPI references are stored only encrypted.
    const stored = JSON.stringify(
      await sql(
        `select * from billing.ledger_entries e join billing.ledger_lines l on l.entry_id = e.id
                  where e.id in (?, ?)`,
        [due.id, paid.id],
      ),
    );
    const accounts = JSON.stringify(await sql(`select * from billing.ledger_accounts where id = ?`, [b.rent.id]));
    expect(stored).not.toContain('Asha');
    expect(stored).not.toContain(UTR);
    expect(accounts).not.toContain('Asha');

    const list = await h.call(LedgerOps.listEntries, { customerId: b.customerId }, b.owner);
    expect(list.items.map((e) => e.id)).toEqual([due.id, paid.id]);
    const accountsList = await h.call(LedgerOps.listAccounts, { customerId: b.customerId }, b.owner);
    expect(accountsList.items).toEqual([expect.objectContaining({ id: b.rent.id, name: 'Rent — Asha, room 4' })]);
    const audit = await h.auditRecords(b.owner.ctx.requestId!);
    expect(audit.some((e) => e.action === 'create' && e.resource.type === 'ledger_entry')).toBe(true);
  });

  it('P08: an unbalanced entry is refused 422 (audited), and nothing is stored', async () => {
    const b = await books();
    await expect(
      b.post([
        { accountId: b.rent.id, debitPaise: 1500000 },
        { accountId: b.income.id, creditPaise: 1499999 },
      ]),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'LEDGER_UNBALANCED' });
    await expect(b.post([{ accountId: b.rent.id, debitPaise: 1 }] as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      b.post([
        { accountId: b.rent.id, debitPaise: 1, creditPaise: 1 },
        { accountId: b.income.id, creditPaise: 0 },
      ]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await sql(`select id from billing.ledger_entries where tenant_id = ?`, [b.owner.tenantId])).toEqual([]);
    const audit = await h.auditRecords(b.owner.ctx.requestId!);
    expect(audit).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'unbalanced', resource: expect.anything() }),
    );
  });

  it('P08: a line naming another tenant’s account is refused; the other tenant sees nothing of this one', async () => {
    const a = await books();
    const b = await books();
    await expect(
      a.post([
        { accountId: a.rent.id, debitPaise: 100 },
        { accountId: b.income.id, creditPaise: 100 },
      ]),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'LEDGER_ACCOUNT_UNKNOWN' });
    const entry = await a.post([
      { accountId: a.rent.id, debitPaise: 100 },
      { accountId: a.income.id, creditPaise: 100 },
    ]);
    expect((await h.call(LedgerOps.listEntries, {}, b.owner)).items).toEqual([]);
    expect((await h.call(LedgerOps.listAccounts, {}, b.owner)).items.map((x) => x.id)).not.toContain(a.rent.id);
    await expect(h.call(LedgerOps.reverseEntry, { id: entry.id }, b.owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'LEDGER_ENTRY_NOT_FOUND',
    });
    await expect(h.call(LedgerOps.statementPage, { accountId: a.rent.id }, b.owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // Row-level security: even a raw query in B's tenant transaction finds none of A's rows.
    const seen = await inTenantTransaction(h.app.get(Database).em(), b.owner.tenantId, (tx) =>
      tx.execute(`select id from billing.ledger_entries where tenant_id = ?`, [a.owner.tenantId]),
    );
    expect(seen).toEqual([]);
  });

  it('P08: corrections only by reversal: once, never of a reversal; the pair nets to zero', async () => {
    const b = await books();
    const wrong = await b.post([
      { accountId: b.upi.id, debitPaise: 150000 },
      { accountId: b.rent.id, creditPaise: 150000 },
    ]);
    const reversal = await h.call(LedgerOps.reverseEntry, { id: wrong.id, description: 'typed twice' }, b.owner);
    expect(reversal).toMatchObject({
      reverses: wrong.id,
      reason: 'reversal',
      seq: 2,
      lines: [
        { accountId: b.upi.id, debitPaise: 0, creditPaise: 150000 },
        { accountId: b.rent.id, debitPaise: 150000, creditPaise: 0 },
      ],
    });
    await expect(h.call(LedgerOps.reverseEntry, { id: wrong.id }, b.owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'LEDGER_ALREADY_REVERSED',
    });
    await expect(h.call(LedgerOps.reverseEntry, { id: reversal.id }, b.owner)).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      reason: 'LEDGER_REVERSAL_OF_REVERSAL',
    });
    const balances = await h.call(LedgerOps.balances, {}, b.owner);
    expect(balances.accounts.every((a) => a.balancePaise === 0)).toBe(true);
    const listed = await h.call(LedgerOps.listEntries, {}, b.owner);
    expect(listed.items.find((e) => e.id === wrong.id)?.reversedBy).toBe(reversal.id);
  });

  it('P08: the database refuses UPDATE and DELETE: no grant for the tenant role, a trigger for everyone', async () => {
    const b = await books();
    const e = await b.post([
      { accountId: b.upi.id, debitPaise: 500 },
      { accountId: b.rent.id, creditPaise: 500 },
    ]);
    const asTenant = (text: string) =>
      inTenantTransaction(h.app.get(Database).em(), b.owner.tenantId, (tx) => tx.execute(text, [e.id]));
    for (const statement of [
      `update billing.ledger_lines set debit_paise = 1 where entry_id = ?`,
      `delete from billing.ledger_lines where entry_id = ?`,
      `update billing.ledger_entries set reason = 'x' where id = ?`,
      `delete from billing.ledger_entries where id = ?`,
      `update billing.ledger_accounts set kind = 'cash' where id = ?`,
    ])
      await expect(asTenant(statement)).rejects.toThrow(/permission denied/);
    // The service's own login (a superuser in tests) is refused by the trigger.
    for (const statement of [
      `update billing.ledger_lines set debit_paise = 1 where entry_id = ?`,
      `delete from billing.ledger_lines where entry_id = ?`,
      `update billing.ledger_entries set reason = 'x' where id = ?`,
      `delete from billing.ledger_entries where id = ?`,
    ])
      await expect(sql(statement, [e.id])).rejects.toThrow(/append-only/);
    await expect(sql(`truncate billing.ledger_lines`)).rejects.toThrow(/append-only/);
    // Naming another tenant in the erasure setting does not open this tenant's rows.
    await expect(
      h.app
        .get(Database)
        .em()
        .transactional(async (tx) => {
          await tx.execute(`select set_config('lekha.ledger_erasure', ?, true)`, [randomUUID()]);
          await tx.execute(`delete from billing.ledger_lines where entry_id = ?`, [e.id]);
        }),
    ).rejects.toThrow(/append-only/);
    expect(await sql(`select line_no from billing.ledger_lines where entry_id = ?`, [e.id])).toHaveLength(2);
  });

  it('P08: a row edited in the database (as superuser, trigger off) is caught by the chain check', async () => {
    const b = await books();
    const entries: LedgerEntryView[] = [];
    for (let i = 1; i <= 4; i++)
      entries.push(
        await b.post([
          { accountId: b.upi.id, debitPaise: 1000 * i },
          { accountId: b.rent.id, creditPaise: 1000 * i },
        ]),
      );
    expect(await h.call(LedgerOps.verify, {}, b.owner)).toMatchObject({
      ok: true,
      entries: 4,
      headSeq: 4,
      headHash: entries[3]!.hash,
      firstBroken: null,
    });
    await h.app
      .get(Database)
      .em()
      .transactional(async (tx) => {
        await tx.execute(`alter table billing.ledger_lines disable trigger ledger_lines_append_only`);
        await tx.execute(
          `update billing.ledger_lines set debit_paise = 1, credit_paise = 0 where entry_id = ? and line_no = 1`,
          [entries[2]!.id],
        );
        await tx.execute(
          `update billing.ledger_lines set credit_paise = 1, debit_paise = 0 where entry_id = ? and line_no = 2`,
          [entries[2]!.id],
        );
        await tx.execute(`alter table billing.ledger_lines enable trigger ledger_lines_append_only`);
      });
    expect(await h.call(LedgerOps.verify, {}, b.owner)).toMatchObject({
      ok: false,
      entries: 2,
      firstBroken: { seq: 3, entryId: entries[2]!.id, problem: 'hash_mismatch' },
    });
    const audit = await h.auditRecords(b.owner.ctx.requestId!);
    expect(audit).toContainEqual(
      expect.objectContaining({ reason: 'chain_broken', resource: { type: 'ledger_chain', id: null } }),
    );
  });

  it('P08: a row removed directly in the database is caught as a gap', async () => {
    const b = await books();
    const entries: LedgerEntryView[] = [];
    for (let i = 1; i <= 3; i++)
      entries.push(
        await b.post([
          { accountId: b.upi.id, debitPaise: 10 * i },
          { accountId: b.rent.id, creditPaise: 10 * i },
        ]),
      );
    await h.app
      .get(Database)
      .em()
      .transactional(async (tx) => {
        await tx.execute(`alter table billing.ledger_lines disable trigger ledger_lines_append_only`);
        await tx.execute(`alter table billing.ledger_entries disable trigger ledger_entries_append_only`);
        await tx.execute(`delete from billing.ledger_lines where entry_id = ?`, [entries[1]!.id]);
        await tx.execute(`delete from billing.ledger_entries where id = ?`, [entries[1]!.id]);
        await tx.execute(`alter table billing.ledger_lines enable trigger ledger_lines_append_only`);
        await tx.execute(`alter table billing.ledger_entries enable trigger ledger_entries_append_only`);
      });
    expect((await h.call(LedgerOps.verify, {}, b.owner)).firstBroken).toEqual({
      seq: 2,
      entryId: null,
      problem: 'sequence_gap',
    });
  });

  it('P08: concurrent postings of one tenant get gapless sequence numbers and one unbroken chain', async () => {
    const b = await books();
    const posted = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        b.post([
          { accountId: b.upi.id, debitPaise: 100 + i },
          { accountId: b.rent.id, creditPaise: 100 + i },
        ]),
      ),
    );
    expect(posted.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(await h.call(LedgerOps.verify, {}, b.owner)).toMatchObject({ ok: true, entries: 16, headSeq: 16 });
  });

  it('P21: a statement: opening balance before the period, lines paged in value-date order', async () => {
    const b = await books();
    const day = (d: string, debit: number, credit: number) =>
      b.post(
        [
          debit ? { accountId: b.rent.id, debitPaise: debit } : { accountId: b.rent.id, creditPaise: credit },
          debit ? { accountId: b.income.id, creditPaise: debit } : { accountId: b.upi.id, debitPaise: credit },
        ],
        { occurredOn: d },
      );
    await day('2026-11-01', 1500000, 0);
    await day('2026-12-05', 0, 500000);
    await day('2026-12-01', 1500000, 0);
    await day('2026-12-20', 0, 1000000);
    await day('2027-01-01', 1500000, 0);
    const first = await h.call(
      LedgerOps.statementPage,
      { customerId: b.customerId, from: '2026-12-01', to: '2026-12-31', limit: 2 },
      b.owner,
    );
    expect(first.openingBalancePaise).toBe(1500000);
    expect(first.items.map((l) => [l.occurredOn, l.debitPaise, l.creditPaise])).toEqual([
      ['2026-12-01', 1500000, 0],
      ['2026-12-05', 0, 500000],
    ]);
    expect(first.items[0]!.accountName).toBe('Rent — Asha, room 4');
    const next = await h.call(
      LedgerOps.statementPage,
      { customerId: b.customerId, from: '2026-12-01', to: '2026-12-31', limit: 2, cursor: first.nextCursor! },
      b.owner,
    );
    expect(next.items.map((l) => l.occurredOn)).toEqual(['2026-12-20']);
    expect(next.nextCursor).toBeNull();
    await expect(
      h.call(LedgerOps.statementPage, { customerId: b.customerId, cursor: 'not-ours' }, b.owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(h.call(LedgerOps.statementPage, { customerId: randomUUID() }, b.owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'LEDGER_NO_ACCOUNTS',
    });
  });

  it('roles: owner, admin and accountant keep the books; staff and viewers may not', async () => {
    const b = await books();
    const accountant = h.callerIn(b.owner.tenantId, ['accountant']);
    await h.call(
      LedgerOps.postEntry,
      {
        reason: 'cash_payment',
        lines: [
          { accountId: b.upi.id, debitPaise: 1 },
          { accountId: b.rent.id, creditPaise: 1 },
        ],
      },
      accountant,
    );
    for (const role of ['staff', 'viewer', 'caretaker'] as const) {
      const caller = h.callerIn(b.owner.tenantId, [role]);
      await expect(h.call(LedgerOps.balances, {}, caller)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(h.call(LedgerOps.createAccount, { name: 'x', kind: 'cash' }, caller)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
  });

  it('tenant erasure: keyset destroyed, the tenant’s ledger rows deleted through the erasure path only', async () => {
    const a = await books();
    const b = await books();
    for (const x of [a, b])
      await x.post([
        { accountId: x.upi.id, debitPaise: 700 },
        { accountId: x.rent.id, creditPaise: 700 },
      ]);
    await h.get(BillingTenantEraser).erase(a.owner.tenantId);
    await h.get(BillingTenantEraser).erase(a.owner.tenantId); // idempotent
    for (const table of ['ledger_entries', 'ledger_lines', 'ledger_accounts'])
      expect(await sql(`select 1 from billing.${table} where tenant_id = ?`, [a.owner.tenantId])).toEqual([]);
    expect(await sql(`select destroyed_at from billing.tenant_keys where tenant_id = ?`, [a.owner.tenantId])).toEqual([
      { destroyed_at: expect.anything() },
    ]);
    expect(await h.call(LedgerOps.verify, {}, b.owner)).toMatchObject({ ok: true, entries: 1 });
  });
});
