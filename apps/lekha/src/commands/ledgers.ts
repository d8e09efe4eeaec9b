import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  ChainVerifier,
  toChainEntry,
  type LedgerVerifyReport,
  type StoredEntryRow,
  type StoredLineRow,
} from '@lekha/contracts';
import { parseFlags, type Flags } from '../flags.js';
import { step } from '../progress.js';

const PAGE = 1000;

/** The least of a database client the check needs: a query with `$n` parameters. */
interface Sql {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  close(): Promise<void>;
}

async function connect(flags: Flags, dataDir: string): Promise<Sql> {
  const url = (flags['database-url'] as string | undefined) ?? process.env.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      query: async <R>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as R[] }),
      close: () => client.end(),
    };
  }
  // The embedded database of `npm start`: open it only while billing is stopped (one process at a time).
  const dir = (flags.pglite as string | undefined) ?? join(dataDir, 'billing', 'pglite');
  const db = await PGlite.create(dir);
  return {
    query: async <R>(text: string, params?: unknown[]) => ({ rows: (await db.query<R>(text, params)).rows }),
    close: () => db.close(),
  };
}

/** Recomputes one tenant's chain straight from the billing database (row-level security set to the tenant). */
export async function verifyTenantChain(sql: Sql, tenantId: string): Promise<LedgerVerifyReport> {
  const verifier = new ChainVerifier();
  await sql.query('begin');
  try {
    await sql.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
    let after = 0;
    for (;;) {
      const { rows } = await sql.query<StoredEntryRow>(
        `select tenant_id, id, seq, occurred_on::text as occurred_on, reason, description_enc, upi_ref_enc, reverses,
                created_by, created_at, prev_hash, hash
           from billing.ledger_entries where tenant_id = $1 and seq > $2 order by seq limit ${PAGE}`,
        [tenantId, after],
      );
      const { rows: lines } = rows.length
        ? await sql.query<StoredLineRow>(
            `select entry_id, line_no, account_id, debit_paise, credit_paise from billing.ledger_lines
              where tenant_id = $1 and entry_id = any($2::uuid[]) order by entry_id, line_no`,
            [tenantId, rows.map((r) => r.id)],
          )
        : { rows: [] as StoredLineRow[] };
      const entries = rows.map((r) => toChainEntry(r, lines));
      verifier.add(entries);
      if (rows.length < PAGE || !verifier.intact) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
  } finally {
    await sql.query('commit');
  }
  return verifier.report();
}

/** Every tenant billing holds a keyset for (that table has no row-level security: IDs only). */
async function tenants(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ tenant_id: string }>(
    `select tenant_id from billing.tenant_keys where destroyed_at is null order by tenant_id`,
  );
  return rows.map((r) => r.tenant_id);
}

/**
 * `lekha ledgers verify`: recompute tenant ledger chains straight from the billing database, without
 * the service (and without any tenant key: the chain covers encrypted fields as stored).
 */
export async function verifyLedgers(flags: Flags, dataDir: string): Promise<number> {
  const sql = await connect(flags, dataDir);
  try {
    const ids = typeof flags.tenant === 'string' ? [flags.tenant] : await tenants(sql);
    const reports: (LedgerVerifyReport & { tenantId: string })[] = [];
    for (const tenantId of ids) reports.push({ tenantId, ...(await verifyTenantChain(sql, tenantId)) });
    if (flags.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else {
      for (const r of reports)
        step(
          r.ok
            ? `tenant ${r.tenantId}: ${r.entries} entries, head #${r.headSeq} ${r.headHash?.slice(0, 16) ?? '-'}…`
            : `tenant ${r.tenantId}: BROKEN at entry #${r.firstBroken!.seq}` +
                `${r.firstBroken!.entryId ? ` (${r.firstBroken!.entryId})` : ''}: ${r.firstBroken!.problem}`,
        );
      const broken = reports.filter((r) => !r.ok).length;
      step(broken ? `FAILED: ${broken} of ${reports.length} ledgers broken` : `verified ${reports.length} ledgers`);
    }
    return reports.every((r) => r.ok) ? 0 : 1;
  } finally {
    await sql.close();
  }
}

export async function ledgersCommand(args: string[], dataDir: string): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return verifyLedgers(parseFlags(rest), dataDir);
  process.stderr.write('usage: lekha ledgers verify [--database-url URL | --pglite DIR] [--tenant ID] [--json]\n');
  return 2;
}
