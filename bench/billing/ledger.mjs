// Ledger postings/s: balanced two-line entries posted through the real use case (validation, the
// tenant's posting lock, the chain head, SHA-256, encrypted description, insert, audit record in the
// same transaction) beside plain inserts of the same rows in the same run (no lock, no chain, no
// audit). Billing's root module in-process on PGlite, or PostgreSQL with DATABASE_URL / TEST_DATABASE_URL.
//   node bench/billing/ledger.mjs [postings=1000] [tenants=4]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fmt, log, root } from '../lib/harness.mjs';

const N = Number(process.argv[2] ?? 1000);
const TENANTS = Number(process.argv[3] ?? 4);
if (process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

const { UseCaseHarness } = await import(join(root, 'libs/use-case-testing/dist/index.js'));
const { AppModule, SERVICE } = await import(join(root, 'apps/billing/dist/app.module.js'));
const { billingConfigSchema } = await import(join(root, 'apps/billing/dist/config/billing.config.js'));
const { LedgerOps } = await import(join(root, 'libs/contracts/dist/index.js'));
const { Database, inTenantTransaction } = await import(join(root, 'libs/persistence/dist/index.js'));

const h = await UseCaseHarness.start({
  service: SERVICE,
  schema: 'billing',
  configSchema: billingConfigSchema,
  module: (config, logger) => AppModule.register(config, logger),
});
try {
  const db = h.app.get(Database);
  const books = [];
  for (let t = 0; t < TENANTS; t++) {
    const owner = h.tenantCaller(['owner']);
    const upi = await h.call(LedgerOps.createAccount, { name: 'UPI', kind: 'upi' }, owner);
    const rent = await h.call(LedgerOps.createAccount, { name: `Rent ${t}`, kind: 'receivable' }, owner);
    books.push({ owner, upi, rent });
  }
  const entry = (b, i) => ({
    reason: 'upi_payment',
    upiReference: String(100000000000 + i),
    description: `Rent paid, room ${i}`,
    lines: [
      { accountId: b.upi.id, debitPaise: 1000 + i },
      { accountId: b.rent.id, creditPaise: 1000 + i },
    ],
  });

  // Warm-up.
  for (const b of books) await h.call(LedgerOps.postEntry, entry(b, 0), b.owner);

  // Posted, chained: TENANTS callers at once, each posting N / TENANTS entries in turn.
  const per = Math.floor(N / TENANTS);
  let t0 = performance.now();
  await Promise.all(
    books.map(async (b) => {
      for (let i = 1; i <= per; i++) await h.call(LedgerOps.postEntry, entry(b, i), b.owner);
    }),
  );
  const chainedMs = performance.now() - t0;

  // The same rows as plain inserts in tenant transactions (no lock, no hash, no audit, no encryption).
  t0 = performance.now();
  await Promise.all(
    books.map(async (b) => {
      for (let i = 1; i <= per; i++)
        await inTenantTransaction(db.em(), b.owner.tenantId, async (tx) => {
          const id = randomUUID();
          await tx.execute(
            `insert into billing.ledger_entries (id, tenant_id, seq, occurred_on, reason, description_enc, upi_ref_enc,
               created_by, created_at, prev_hash, hash)
             values (?, ?, ?, current_date, 'upi_payment', ?, ?, ?, now(), ?, ?)`,
            [
              id,
              b.owner.tenantId,
              1_000_000 + i,
              Buffer.alloc(60),
              Buffer.alloc(52),
              'bench',
              '0'.repeat(64),
              '0'.repeat(64),
            ],
          );
          await tx.execute(
            `insert into billing.ledger_lines (tenant_id, entry_id, line_no, account_id, debit_paise, credit_paise)
             values (?, ?, 1, ?, ?, 0), (?, ?, 2, ?, 0, ?)`,
            [b.owner.tenantId, id, b.upi.id, 1000 + i, b.owner.tenantId, id, b.rent.id, 1000 + i],
          );
        });
    }),
  );
  const plainMs = performance.now() - t0;

  // The chain check over everything posted.
  t0 = performance.now();
  for (const b of books) {
    const r = await h.call(LedgerOps.verify, {}, b.owner);
    if (r.ok || r.firstBroken?.problem !== 'sequence_gap' || r.entries !== per + 1)
      throw new Error(`unexpected chain report ${JSON.stringify(r)}`);
  }
  const verifyMs = performance.now() - t0;

  const total = per * TENANTS;
  const store = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(`ledger (${store}, ${TENANTS} tenants posting at once, ${fmt(total)} entries of 2 lines each)`);
  console.log(`  posted through the use case, chained:  ${fmt((total / chainedMs) * 1000)} entries/s`);
  console.log(`  plain inserts of the same rows:        ${fmt((total / plainMs) * 1000)} entries/s`);
  console.log(`  chain check:                           ${fmt(((total + TENANTS) / verifyMs) * 1000)} entries/s`);
  log('done');
} finally {
  await h.stop();
}
