import { balances, entryTotals, reversedLines, type MoneyLine } from './ledger-arithmetic.js';

const A = 'acc-a';
const B = 'acc-b';
const C = 'acc-c';
const line = (accountId: string, debitPaise: number, creditPaise: number): MoneyLine => ({
  accountId,
  debitPaise,
  creditPaise,
});

describe('ledger arithmetic', () => {
  it('an entry balances when debits equal credits over at least two lines', () => {
    expect(entryTotals([line(A, 1500000, 0), line(B, 0, 1500000)])).toEqual({
      debitPaise: 1500000,
      creditPaise: 1500000,
      balanced: true,
    });
    expect(entryTotals([line(A, 1500000, 0), line(B, 0, 1000000), line(C, 0, 500000)]).balanced).toBe(true);
    expect(entryTotals([line(A, 1500000, 0), line(B, 0, 1499999)])).toMatchObject({ balanced: false });
    expect(entryTotals([line(A, 0, 0)]).balanced).toBe(false);
    expect(entryTotals([]).balanced).toBe(false);
  });

  it('sums exactly beyond 2^53 paise in total (BigInt), with no rounding', () => {
    const big = 1_000_000_000_000; // ₹1,000 crore, the largest line
    const lines = Array.from({ length: 50 }, (_, i) => (i % 2 ? line(B, 0, big) : line(A, big, 0)));
    expect(entryTotals(lines)).toEqual({ debitPaise: 25 * big, creditPaise: 25 * big, balanced: true });
  });

  it('a reversal swaps every debit and credit, so entry + reversal nets every account to zero', () => {
    const entry = [line(A, 700, 0), line(B, 0, 500), line(C, 0, 200)];
    const reversal = reversedLines(entry);
    expect(reversal).toEqual([line(A, 0, 700), line(B, 500, 0), line(C, 200, 0)]);
    expect(entryTotals(reversal).balanced).toBe(true);
    const net = new Map<string, number>();
    for (const l of [...entry, ...reversal])
      net.set(l.accountId, (net.get(l.accountId) ?? 0) + l.debitPaise - l.creditPaise);
    expect([...net.values()]).toEqual([0, 0, 0]);
  });

  it('balances per account (zero when untouched) and per customer over their accounts', () => {
    const result = balances(
      [
        { id: 'rent-asha', customerId: 'asha' },
        { id: 'deposit-asha', customerId: 'asha' },
        { id: 'rent-ravi', customerId: 'ravi' },
        { id: 'cash', customerId: null },
        { id: 'unused', customerId: null },
      ],
      [
        { accountId: 'rent-asha', debitPaise: 1500000, creditPaise: 1000000 },
        { accountId: 'deposit-asha', debitPaise: 0, creditPaise: 3000000 },
        { accountId: 'rent-ravi', debitPaise: 1200000, creditPaise: 0 },
        { accountId: 'cash', debitPaise: 4000000, creditPaise: 0 },
      ],
    );
    expect(result.accounts).toEqual([
      { accountId: 'rent-asha', debitPaise: 1500000, creditPaise: 1000000, balancePaise: 500000 },
      { accountId: 'deposit-asha', debitPaise: 0, creditPaise: 3000000, balancePaise: -3000000 },
      { accountId: 'rent-ravi', debitPaise: 1200000, creditPaise: 0, balancePaise: 1200000 },
      { accountId: 'cash', debitPaise: 4000000, creditPaise: 0, balancePaise: 4000000 },
      { accountId: 'unused', debitPaise: 0, creditPaise: 0, balancePaise: 0 },
    ]);
    expect(result.customers).toEqual([
      { customerId: 'asha', debitPaise: 1500000, creditPaise: 4000000, balancePaise: -2500000 },
      { customerId: 'ravi', debitPaise: 1200000, creditPaise: 0, balancePaise: 1200000 },
    ]);
  });
});
