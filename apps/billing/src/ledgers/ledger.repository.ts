import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { toChainEntry, type LedgerAccountKind, type StoredChainEntry } from '@lekha/contracts';

export interface AccountRow {
  id: string;
  kind: LedgerAccountKind;
  name_enc: Uint8Array;
  customer_id: string | null;
  code: string | null;
  created_at: Date | string;
}

export interface EntryRow {
  id: string;
  seq: string | number;
  occurred_on: string;
  reason: string;
  description_enc: Uint8Array | null;
  upi_ref_enc: Uint8Array | null;
  reverses: string | null;
  reversed_by: string | null;
  created_by: string | null;
  created_at: Date | string;
  prev_hash: string;
  hash: string;
}

export interface LineRow {
  entry_id: string;
  line_no: number;
  account_id: string;
  debit_paise: string | number;
  credit_paise: string | number;
}

export interface NewEntry {
  id: string;
  seq: number;
  occurredOn: string;
  reason: string;
  descriptionEnc: Buffer | null;
  upiReferenceEnc: Buffer | null;
  reverses: string | null;
  createdBy: string | null;
  createdAt: Date;
  prevHash: string;
  hash: string;
  lines: { accountId: string; debitPaise: number; creditPaise: number }[];
}

export interface EntryFilter {
  accountIds?: string[];
  from?: string;
  to?: string;
  afterSeq?: number;
  limit: number;
}

export interface BalanceRow {
  account_id: string;
  debit: string | number;
  credit: string | number;
}

export interface StatementRow extends LineRow {
  seq: string | number;
  occurred_on: string;
  reason: string;
  description_enc: Uint8Array | null;
  upi_ref_enc: Uint8Array | null;
  reverses: string | null;
}

const ENTRY_COLUMNS = `e.id, e.seq, e.occurred_on::text as occurred_on, e.reason, e.description_enc, e.upi_ref_enc,
  e.reverses, e.created_by, e.created_at, e.prev_hash, e.hash,
  (select r.id from billing.ledger_entries r where r.tenant_id = e.tenant_id and r.reverses = e.id) as reversed_by`;

/**
 * The tenant's journal. Only INSERT and SELECT: there is no method that updates or deletes a row, and
 * the database refuses both anyway (no grant for the tenant role, and a trigger).
 */
@Injectable()
export class LedgerRepository {
  async insertAccount(
    { tx, tenantId }: TenantScope,
    a: { id: string; kind: LedgerAccountKind; nameEnc: Buffer; customerId: string | null; code: string | null },
    createdBy: string | null,
    createdAt: Date,
  ): Promise<void> {
    await tx.execute(
      `insert into billing.ledger_accounts (id, tenant_id, kind, name_enc, customer_id, code, created_by, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [a.id, tenantId, a.kind, a.nameEnc, a.customerId, a.code, createdBy, createdAt],
    );
  }

  async accountByCode({ tx, tenantId }: TenantScope, code: string): Promise<AccountRow | null> {
    const rows = await tx.execute<AccountRow[]>(
      `select id, kind, name_enc, customer_id, code, created_at from billing.ledger_accounts
        where tenant_id = ? and code = ?`,
      [tenantId, code],
    );
    return rows[0] ?? null;
  }

  async accounts(
    { tx, tenantId }: TenantScope,
    filter: { ids?: string[]; customerId?: string; kind?: LedgerAccountKind } = {},
  ): Promise<AccountRow[]> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (filter.ids) {
      if (!filter.ids.length) return [];
      where.push(`id in (${filter.ids.map(() => '?').join(', ')})`);
      params.push(...filter.ids);
    }
    if (filter.customerId) {
      where.push('customer_id = ?');
      params.push(filter.customerId);
    }
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    return tx.execute<AccountRow[]>(
      `select id, kind, name_enc, customer_id, code, created_at from billing.ledger_accounts
        where ${where.join(' and ')} order by created_at, id`,
      params,
    );
  }

  /**
   * The tenant's chain head, with the tenant's posting lock held to the end of the transaction: two
   * postings of one tenant take turns (so `seq` has no gaps and each entry chains to the one before);
   * postings of different tenants do not wait on each other.
   */
  async lockHead({ tx, tenantId }: TenantScope): Promise<{ seq: number; hash: string | null }> {
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`lekha.ledger:${tenantId}`]);
    const rows = await tx.execute<{ seq: string | number; hash: string }[]>(
      `select seq, hash from billing.ledger_entries where tenant_id = ? order by seq desc limit 1`,
      [tenantId],
    );
    const head = rows[0];
    return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: null };
  }

  async insertEntry({ tx, tenantId }: TenantScope, e: NewEntry): Promise<void> {
    await tx.execute(
      `insert into billing.ledger_entries (id, tenant_id, seq, occurred_on, reason, description_enc, upi_ref_enc,
         reverses, created_by, created_at, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.id,
        tenantId,
        e.seq,
        e.occurredOn,
        e.reason,
        e.descriptionEnc,
        e.upiReferenceEnc,
        e.reverses,
        e.createdBy,
        e.createdAt,
        e.prevHash,
        e.hash,
      ],
    );
    const values = e.lines.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
    await tx.execute(
      `insert into billing.ledger_lines (tenant_id, entry_id, line_no, account_id, debit_paise, credit_paise)
       values ${values}`,
      e.lines.flatMap((l, i) => [tenantId, e.id, i + 1, l.accountId, l.debitPaise, l.creditPaise]),
    );
  }

  async entry({ tx, tenantId }: TenantScope, id: string): Promise<EntryRow | null> {
    const rows = await tx.execute<EntryRow[]>(
      `select ${ENTRY_COLUMNS} from billing.ledger_entries e where e.tenant_id = ? and e.id = ?`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** Entries in posting order after `afterSeq`, optionally only those touching some accounts or days. */
  async entries({ tx, tenantId }: TenantScope, f: EntryFilter): Promise<EntryRow[]> {
    const where = ['e.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (f.accountIds) {
      if (!f.accountIds.length) return [];
      where.push(
        `exists (select 1 from billing.ledger_lines l where l.tenant_id = e.tenant_id and l.entry_id = e.id
           and l.account_id in (${f.accountIds.map(() => '?').join(', ')}))`,
      );
      params.push(...f.accountIds);
    }
    if (f.from) {
      where.push('e.occurred_on >= ?::date');
      params.push(f.from);
    }
    if (f.to) {
      where.push('e.occurred_on <= ?::date');
      params.push(f.to);
    }
    if (f.afterSeq !== undefined) {
      where.push('e.seq > ?');
      params.push(f.afterSeq);
    }
    return tx.execute<EntryRow[]>(
      `select ${ENTRY_COLUMNS} from billing.ledger_entries e where ${where.join(' and ')}
        order by e.seq limit ${Number(f.limit)}`,
      params,
    );
  }

  async lines({ tx, tenantId }: TenantScope, entryIds: string[]): Promise<LineRow[]> {
    if (!entryIds.length) return [];
    return tx.execute<LineRow[]>(
      `select entry_id, line_no, account_id, debit_paise, credit_paise from billing.ledger_lines
        where tenant_id = ? and entry_id in (${entryIds.map(() => '?').join(', ')}) order by entry_id, line_no`,
      [tenantId, ...entryIds],
    );
  }

  /** Debit and credit totals per account, up to and including `asOf` (a value date) when given. */
  async totals({ tx, tenantId }: TenantScope, asOf?: string): Promise<BalanceRow[]> {
    return tx.execute<BalanceRow[]>(
      `select l.account_id, sum(l.debit_paise)::text as debit, sum(l.credit_paise)::text as credit
         from billing.ledger_lines l
         join billing.ledger_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
        where l.tenant_id = ?${asOf ? ' and e.occurred_on <= ?::date' : ''}
        group by l.account_id`,
      asOf ? [tenantId, asOf] : [tenantId],
    );
  }

  /** Debits minus credits on some accounts before a value date. */
  async balanceBefore({ tx, tenantId }: TenantScope, accountIds: string[], before: string): Promise<number> {
    const rows = await tx.execute<{ balance: string | null }[]>(
      `select (coalesce(sum(l.debit_paise), 0) - coalesce(sum(l.credit_paise), 0))::text as balance
         from billing.ledger_lines l
         join billing.ledger_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
        where l.tenant_id = ? and e.occurred_on < ?::date
          and l.account_id in (${accountIds.map(() => '?').join(', ')})`,
      [tenantId, before, ...accountIds],
    );
    return Number(rows[0]?.balance ?? 0);
  }

  /** A statement's lines in value-date order, after a position (value date, seq, line number). */
  async statementLines(
    { tx, tenantId }: TenantScope,
    q: {
      accountIds: string[];
      from?: string;
      to?: string;
      after?: { occurredOn: string; seq: number; lineNo: number };
      limit: number;
    },
  ): Promise<StatementRow[]> {
    const where = ['l.tenant_id = ?', `l.account_id in (${q.accountIds.map(() => '?').join(', ')})`];
    const params: unknown[] = [tenantId, ...q.accountIds];
    if (q.from) {
      where.push('e.occurred_on >= ?::date');
      params.push(q.from);
    }
    if (q.to) {
      where.push('e.occurred_on <= ?::date');
      params.push(q.to);
    }
    if (q.after) {
      where.push('(e.occurred_on, e.seq, l.line_no) > (?::date, ?, ?)');
      params.push(q.after.occurredOn, q.after.seq, q.after.lineNo);
    }
    return tx.execute<StatementRow[]>(
      `select l.entry_id, l.line_no, l.account_id, l.debit_paise, l.credit_paise, e.seq,
              e.occurred_on::text as occurred_on, e.reason, e.description_enc, e.upi_ref_enc, e.reverses
         from billing.ledger_lines l
         join billing.ledger_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
        where ${where.join(' and ')}
        order by e.occurred_on, e.seq, l.line_no limit ${Number(q.limit)}`,
      params,
    );
  }

  /** A page of the chain in sequence order, as stored, for verification. */
  async chainPage(data: TenantScope, afterSeq: number, limit: number): Promise<StoredChainEntry[]> {
    const rows = await data.tx.execute<(EntryRow & { tenant_id: string })[]>(
      `select e.tenant_id, e.id, e.seq, e.occurred_on::text as occurred_on, e.reason, e.description_enc,
              e.upi_ref_enc, e.reverses, e.created_by, e.created_at, e.prev_hash, e.hash
         from billing.ledger_entries e where e.tenant_id = ? and e.seq > ? order by e.seq limit ${Number(limit)}`,
      [data.tenantId, afterSeq],
    );
    const lines = await this.lines(
      data,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toChainEntry(r, lines));
  }
}
