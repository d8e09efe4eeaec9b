import { createHash } from 'node:crypto';

/**
 * The hash chain of a tenant's ledger. Each entry's hash is SHA-256 over the previous entry's hash
 * and the entry's canonical text; the first entry's previous hash is 64 zeros. The canonical text
 * covers what is stored — amounts, accounts, dates, the encrypted description and UPI reference as
 * stored (so the chain verifies without the tenant's key, and still after the key is destroyed).
 * The billing service and `lekha ledgers verify` both use this one definition.
 */

export const LEDGER_GENESIS_HASH = '0'.repeat(64);
export const LEDGER_CHAIN_VERSION = 1;

export interface ChainLine {
  accountId: string;
  debitPaise: bigint | number | string;
  creditPaise: bigint | number | string;
}

/** An entry as stored, in the shape the chain covers. */
export interface ChainEntry {
  tenantId: string;
  seq: bigint | number | string;
  id: string;
  occurredOn: string;
  reason: string;
  descriptionEnc: Uint8Array | null;
  upiReferenceEnc: Uint8Array | null;
  reverses: string | null;
  createdBy: string | null;
  /** Milliseconds are kept: the service stores the time it hashed. */
  createdAt: Date | string;
  /** In line order. */
  lines: readonly ChainLine[];
}

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));
const int = (v: bigint | number | string) => BigInt(v).toString();

/** The canonical text of an entry: JSON with a fixed key order, integers as decimal strings. */
export function canonicalEntry(e: ChainEntry): string {
  return JSON.stringify([
    LEDGER_CHAIN_VERSION,
    e.tenantId,
    int(e.seq),
    e.id,
    e.occurredOn,
    e.reason,
    hex(e.descriptionEnc),
    hex(e.upiReferenceEnc),
    e.reverses,
    e.createdBy,
    new Date(e.createdAt).toISOString(),
    e.lines.map((l) => [l.accountId, int(l.debitPaise), int(l.creditPaise)]),
  ]);
}

export function entryHash(previousHash: string, e: ChainEntry): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalEntry(e)).digest('hex');
}

/** An entry as read back for verification: the chain fields and the stored hashes. */
export interface StoredChainEntry extends ChainEntry {
  prevHash: string;
  hash: string;
}

/** A journal entry as billing stores it (`billing.ledger_entries`), the columns the chain covers. */
export interface StoredEntryRow {
  tenant_id: string;
  id: string;
  seq: bigint | number | string;
  occurred_on: string;
  reason: string;
  description_enc: Uint8Array | null;
  upi_ref_enc: Uint8Array | null;
  reverses: string | null;
  created_by: string | null;
  created_at: Date | string;
  prev_hash: string;
  hash: string;
}

/** A journal line as billing stores it (`billing.ledger_lines`). */
export interface StoredLineRow {
  entry_id: string;
  line_no: number;
  account_id: string;
  debit_paise: bigint | number | string;
  credit_paise: bigint | number | string;
}

/** A stored entry and its lines (any entries' lines: its own are picked, in line order) as the chain covers it. */
export function toChainEntry(r: StoredEntryRow, lines: readonly StoredLineRow[]): StoredChainEntry {
  return {
    tenantId: r.tenant_id,
    seq: r.seq,
    id: r.id,
    occurredOn: r.occurred_on,
    reason: r.reason,
    descriptionEnc: r.description_enc,
    upiReferenceEnc: r.upi_ref_enc,
    reverses: r.reverses,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lines: lines
      .filter((l) => l.entry_id === r.id)
      .sort((a, b) => a.line_no - b.line_no)
      .map((l) => ({ accountId: l.account_id, debitPaise: l.debit_paise, creditPaise: l.credit_paise })),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type ChainProblem = 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap' | 'unbalanced';

export interface ChainState {
  entries: number;
  headSeq: number;
  headHash: string | null;
  firstBroken: { seq: number; entryId: string | null; problem: ChainProblem } | null;
}

/**
 * Checks a tenant's entries page by page, in sequence order; stops at the first broken entry. An
 * entry is broken when its sequence number is not the next one (a row removed), its previous hash
 * is not the previous entry's hash, its own hash does not match its content (a row changed), or its
 * lines do not balance.
 */
export class ChainVerifier {
  private state: ChainState = { entries: 0, headSeq: 0, headHash: null, firstBroken: null };

  /** False once a broken entry was found (later pages need not be read). */
  get intact(): boolean {
    return this.state.firstBroken === null;
  }

  add(entries: readonly StoredChainEntry[]): void {
    for (const e of entries) {
      if (this.state.firstBroken) return;
      const seq = Number(e.seq);
      const previous = this.state.headHash ?? LEDGER_GENESIS_HASH;
      const problem: ChainProblem | null =
        seq !== this.state.headSeq + 1
          ? 'sequence_gap'
          : e.prevHash !== previous
            ? 'previous_hash_mismatch'
            : entryHash(previous, e) !== e.hash
              ? 'hash_mismatch'
              : !linesBalance(e.lines)
                ? 'unbalanced'
                : null;
      if (problem) {
        this.state.firstBroken = {
          seq: problem === 'sequence_gap' ? this.state.headSeq + 1 : seq,
          entryId: problem === 'sequence_gap' ? null : e.id,
          problem,
        };
        return;
      }
      this.state.entries += 1;
      this.state.headSeq = seq;
      this.state.headHash = e.hash;
    }
  }

  report(): ChainState & { ok: boolean } {
    return { ok: this.state.firstBroken === null, ...this.state };
  }
}

/** Debits equal credits, at least two lines, each line one-sided and positive. */
export function linesBalance(lines: readonly ChainLine[]): boolean {
  if (lines.length < 2) return false;
  let debit = 0n;
  let credit = 0n;
  for (const l of lines) {
    const d = BigInt(l.debitPaise);
    const c = BigInt(l.creditPaise);
    if (d < 0n || c < 0n || (d === 0n) === (c === 0n)) return false;
    debit += d;
    credit += c;
  }
  return debit === credit;
}
