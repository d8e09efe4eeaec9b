/**
 * The journal's arithmetic, in integer paise with BigInt sums (no floating point anywhere): whether
 * an entry balances, the reversal of its lines, and balances per account and per customer.
 */

export interface MoneyLine {
  accountId: string;
  debitPaise: number;
  creditPaise: number;
}

export interface EntryTotals {
  debitPaise: number;
  creditPaise: number;
  balanced: boolean;
}

/** Debit and credit totals of an entry; balanced when they are equal and at least two lines carry them. */
export function entryTotals(lines: readonly MoneyLine[]): EntryTotals {
  let debit = 0n;
  let credit = 0n;
  for (const l of lines) {
    debit += BigInt(l.debitPaise);
    credit += BigInt(l.creditPaise);
  }
  return { debitPaise: Number(debit), creditPaise: Number(credit), balanced: lines.length >= 2 && debit === credit };
}

/** The lines of a reversing entry: every debit becomes a credit of the same amount and the other way round. */
export function reversedLines(lines: readonly MoneyLine[]): MoneyLine[] {
  return lines.map((l) => ({ accountId: l.accountId, debitPaise: l.creditPaise, creditPaise: l.debitPaise }));
}

export interface AccountTotals {
  accountId: string;
  debitPaise: number;
  creditPaise: number;
}

export interface AccountInfo {
  id: string;
  customerId: string | null;
}

export interface Balance {
  debitPaise: number;
  creditPaise: number;
  /** Debits minus credits: positive is a debit balance. */
  balancePaise: number;
}

export function balanceOf(t: { debitPaise: number; creditPaise: number }): Balance {
  return { debitPaise: t.debitPaise, creditPaise: t.creditPaise, balancePaise: t.debitPaise - t.creditPaise };
}

/** Per account (every account listed, zero when it has no lines) and per customer (summed over their accounts). */
export function balances(
  accounts: readonly AccountInfo[],
  totals: readonly AccountTotals[],
): { accounts: (Balance & { accountId: string })[]; customers: (Balance & { customerId: string })[] } {
  const byAccount = new Map(totals.map((t) => [t.accountId, t]));
  const perAccount = accounts.map((a) => {
    const t = byAccount.get(a.id);
    return { accountId: a.id, ...balanceOf({ debitPaise: t?.debitPaise ?? 0, creditPaise: t?.creditPaise ?? 0 }) };
  });
  const perCustomer = new Map<string, { debit: bigint; credit: bigint }>();
  accounts.forEach((a, i) => {
    if (!a.customerId) return;
    const sum = perCustomer.get(a.customerId) ?? { debit: 0n, credit: 0n };
    sum.debit += BigInt(perAccount[i]!.debitPaise);
    sum.credit += BigInt(perAccount[i]!.creditPaise);
    perCustomer.set(a.customerId, sum);
  });
  return {
    accounts: perAccount,
    customers: [...perCustomer].map(([customerId, s]) => ({
      customerId,
      ...balanceOf({ debitPaise: Number(s.debit), creditPaise: Number(s.credit) }),
    })),
  };
}
