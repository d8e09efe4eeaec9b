import {
  ChainVerifier,
  LEDGER_GENESIS_HASH,
  canonicalEntry,
  entryHash,
  linesBalance,
  type ChainEntry,
  type StoredChainEntry,
} from './ledger-chain.js';
import { formatRupees, runningBalances, upiReferenceSchema } from './ledgers.js';

const TENANT = '0190a1b2-0000-7000-8000-000000000001';
const CASH = '0190a1b2-0000-7000-8000-0000000000c1';
const RENT = '0190a1b2-0000-7000-8000-0000000000a1';

function entry(seq: number, amount: number, over: Partial<ChainEntry> = {}): ChainEntry {
  return {
    tenantId: TENANT,
    seq,
    id: `0190a1b2-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    occurredOn: '2026-12-01',
    reason: 'upi_payment',
    descriptionEnc: Buffer.from([1, 2, 3]),
    upiReferenceEnc: null,
    reverses: null,
    createdBy: 'u1',
    createdAt: new Date(Date.UTC(2026, 11, 1, 10, 0, seq)),
    lines: [
      { accountId: CASH, debitPaise: amount, creditPaise: 0 },
      { accountId: RENT, debitPaise: 0, creditPaise: amount },
    ],
    ...over,
  };
}

/** A chain of n entries as the service stores them. */
function chain(n: number): StoredChainEntry[] {
  const out: StoredChainEntry[] = [];
  let prev = LEDGER_GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = entry(i, 1000 * i);
    const hash = entryHash(prev, e);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

const verify = (entries: StoredChainEntry[]) => {
  const v = new ChainVerifier();
  v.add(entries);
  return v.report();
};

describe('ledger hash chain', () => {
  it('P08: hashes are SHA-256 hex over the previous hash and a canonical entry, deterministic', () => {
    const e = entry(1, 500);
    expect(entryHash(LEDGER_GENESIS_HASH, e)).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(LEDGER_GENESIS_HASH, e)).toBe(entryHash(LEDGER_GENESIS_HASH, { ...e, seq: '1' }));
    expect(canonicalEntry({ ...e, seq: 1n })).toBe(canonicalEntry(e));
    expect(entryHash('f'.repeat(64), e)).not.toBe(entryHash(LEDGER_GENESIS_HASH, e));
  });

  it('P08: every stored field is covered: a change to any of them changes the hash', () => {
    const e = entry(1, 500);
    const base = entryHash(LEDGER_GENESIS_HASH, e);
    const changes: Partial<ChainEntry>[] = [
      { seq: 2 },
      { occurredOn: '2026-12-02' },
      { reason: 'deposit' },
      { descriptionEnc: Buffer.from([1, 2, 4]) },
      { upiReferenceEnc: Buffer.from([9]) },
      { reverses: CASH },
      { createdBy: 'u2' },
      { createdAt: new Date(Date.UTC(2026, 11, 1, 10, 0, 1, 1)) },
      { tenantId: CASH },
      {
        lines: [
          { accountId: CASH, debitPaise: 501, creditPaise: 0 },
          { accountId: RENT, debitPaise: 0, creditPaise: 501 },
        ],
      },
      { lines: [...e.lines].reverse() },
    ];
    for (const c of changes) expect(entryHash(LEDGER_GENESIS_HASH, { ...e, ...c })).not.toBe(base);
  });

  it('P08: an intact chain verifies and reports its head', () => {
    const entries = chain(5);
    expect(verify(entries)).toEqual({
      ok: true,
      entries: 5,
      headSeq: 5,
      headHash: entries[4]!.hash,
      firstBroken: null,
    });
    expect(verify([])).toMatchObject({ ok: true, entries: 0, headSeq: 0, headHash: null });
  });

  it('P08: verifies across pages the same as in one go', () => {
    const entries = chain(7);
    const v = new ChainVerifier();
    v.add(entries.slice(0, 3));
    v.add(entries.slice(3));
    expect(v.report()).toEqual(verify(entries));
  });

  it('P08: a changed amount is caught at that entry (hash mismatch)', () => {
    const entries = chain(5);
    const l = entries[2]!.lines;
    entries[2] = {
      ...entries[2]!,
      lines: [
        { ...l[0]!, debitPaise: 1 },
        { ...l[1]!, creditPaise: 1 },
      ],
    };
    expect(verify(entries)).toMatchObject({
      ok: false,
      entries: 2,
      firstBroken: { seq: 3, entryId: entries[2]!.id, problem: 'hash_mismatch' },
    });
  });

  it('P08: a removed entry is caught as a gap; a re-hashed forgery breaks the next link', () => {
    const entries = chain(5);
    expect(verify([...entries.slice(0, 2), ...entries.slice(3)]).firstBroken).toEqual({
      seq: 3,
      entryId: null,
      problem: 'sequence_gap',
    });
    // A forger who recomputes entry 3's hash after changing it still breaks entry 4's link.
    const forged = entry(3, 1);
    entries[2] = { ...forged, prevHash: entries[1]!.hash, hash: entryHash(entries[1]!.hash, forged) };
    expect(verify(entries).firstBroken).toEqual({
      seq: 4,
      entryId: entries[3]!.id,
      problem: 'previous_hash_mismatch',
    });
  });

  it('P08: swapped entries are caught', () => {
    const entries = chain(4);
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!];
    expect(verify(swapped)).toMatchObject({ ok: false, firstBroken: { seq: 2, problem: 'sequence_gap' } });
  });

  it('an unbalanced entry is broken even when its hash matches', () => {
    const bad = entry(1, 0, {
      lines: [
        { accountId: CASH, debitPaise: 100, creditPaise: 0 },
        { accountId: RENT, debitPaise: 0, creditPaise: 99 },
      ],
    });
    const stored = { ...bad, prevHash: LEDGER_GENESIS_HASH, hash: entryHash(LEDGER_GENESIS_HASH, bad) };
    expect(verify([stored]).firstBroken).toMatchObject({ seq: 1, problem: 'unbalanced' });
  });

  it('lines balance only with ≥ 2 one-sided positive lines and equal totals', () => {
    const l = (d: number, c: number) => ({ accountId: CASH, debitPaise: d, creditPaise: c });
    expect(linesBalance([l(100, 0), l(0, 60), l(0, 40)])).toBe(true);
    expect(linesBalance([l(100, 0)])).toBe(false);
    expect(linesBalance([l(100, 0), l(0, 99)])).toBe(false);
    expect(linesBalance([l(100, 100), l(0, 0)])).toBe(false);
    expect(linesBalance([l(-5, 0), l(0, -5)])).toBe(false);
  });
});

describe('ledger money helpers', () => {
  it('format paise as rupees exactly', () => {
    expect(formatRupees(0)).toBe('0.00');
    expect(formatRupees(5)).toBe('0.05');
    expect(formatRupees(1234550)).toBe('12345.50');
    expect(formatRupees(-100001)).toBe('-1000.01');
    expect(formatRupees(100_000_000_000_000)).toBe('1000000000000.00');
  });

  it('carry running balances (debits minus credits) from an opening balance', () => {
    expect(
      runningBalances(500, [
        { debitPaise: 1000, creditPaise: 0 },
        { debitPaise: 0, creditPaise: 1500 },
        { debitPaise: 0, creditPaise: 1 },
      ]),
    ).toEqual([1500, 0, -1]);
  });

  it('P63: accept a 12-digit UPI reference (UTR/RRN) and nothing else', () => {
    expect(upiReferenceSchema.parse(' 412345678901 ')).toBe('412345678901');
    for (const bad of ['41234567890', '4123456789012', '41234567890a', 'UTR412345678', ''])
      expect(upiReferenceSchema.safeParse(bad).success).toBe(false);
  });
});
