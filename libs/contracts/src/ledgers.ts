import { z } from 'zod';

/**
 * Tenant ledgers: a business's own money records about its customers (rent due, payments received by
 * UPI or cash, deposits). A double-entry journal, append-only: amounts are integer paise, every entry
 * balances, and a mistake is corrected only by a reversing entry. See docs/ledgers.md.
 */

export const LedgerAccountKinds = [
  'receivable',
  'cash',
  'upi',
  'bank',
  'deposit',
  'income',
  'expense',
  'payable',
  'equity',
] as const;
export type LedgerAccountKind = (typeof LedgerAccountKinds)[number];

/** The largest amount on one line: ₹1,000 crore in paise (well inside a safe JavaScript integer). */
export const MAX_LINE_PAISE = 1_000_000_000_000;
/** Lines in one entry. */
export const MAX_ENTRY_LINES = 50;

/** A UPI transaction reference: the 12-digit UTR / RRN a payer's app shows. */
export const upiReferenceSchema = z
  .string()
  .trim()
  .regex(/^\d{12}$/, 'a UPI reference (UTR/RRN) is exactly 12 digits');

/** The value date of an entry (the day the money moved or fell due), `YYYY-MM-DD`. */
export const ledgerDateSchema = z.iso.date();

const paise = z.number().int().positive().max(MAX_LINE_PAISE);

export const createLedgerAccountSchema = z.strictObject({
  /** Shown on statements; may name a person (`Rent — Asha, room 4`), so it is stored encrypted. */
  name: z.string().trim().min(1).max(200),
  kind: z.enum(LedgerAccountKinds),
  /** The tenant's customer this account is about (e.g. their rent receivable or deposit). */
  customerId: z.uuid().optional(),
  /** The tenant's own short code (`4100`, `RENT-R4`), unique in the tenant. */
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, 'letters, digits, . _ / - (at most 40)')
    .optional(),
});
export type CreateLedgerAccountRequest = z.infer<typeof createLedgerAccountSchema>;

export const ledgerAccountViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(LedgerAccountKinds),
  customerId: z.uuid().nullable(),
  code: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type LedgerAccountView = z.infer<typeof ledgerAccountViewSchema>;

export const listLedgerAccountsSchema = z.strictObject({
  customerId: z.uuid().optional(),
  kind: z.enum(LedgerAccountKinds).optional(),
});

export const ledgerLineInputSchema = z
  .strictObject({
    accountId: z.uuid(),
    debitPaise: paise.optional(),
    creditPaise: paise.optional(),
  })
  .refine((l) => (l.debitPaise === undefined) !== (l.creditPaise === undefined), {
    message: 'a line has either debitPaise or creditPaise (a positive integer), not both',
  });

/** Why an entry was made: a short code of the tenant's choosing (`rent_due`, `upi_payment`, `deposit`). */
export const ledgerReasonSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a lower-case code: letters, digits and _ (at most 40)');

export const postLedgerEntrySchema = z.strictObject({
  reason: ledgerReasonSchema,
  /** Free text; may name a person, so it is stored encrypted. */
  description: z.string().trim().max(500).optional(),
  upiReference: upiReferenceSchema.optional(),
  occurredOn: ledgerDateSchema.optional(),
  lines: z.array(ledgerLineInputSchema).min(2).max(MAX_ENTRY_LINES),
});
export type PostLedgerEntryRequest = z.infer<typeof postLedgerEntrySchema>;

export const reverseLedgerEntrySchema = z.strictObject({
  id: z.uuid(),
  description: z.string().trim().max(500).optional(),
  occurredOn: ledgerDateSchema.optional(),
});

export const ledgerLineViewSchema = z.object({
  accountId: z.uuid(),
  debitPaise: z.number().int(),
  creditPaise: z.number().int(),
});

export const ledgerEntryViewSchema = z.object({
  id: z.uuid(),
  seq: z.number().int().positive(),
  occurredOn: z.string(),
  reason: z.string(),
  description: z.string().nullable(),
  upiReference: z.string().nullable(),
  reverses: z.uuid().nullable(),
  reversedBy: z.uuid().nullable(),
  lines: z.array(ledgerLineViewSchema),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  hash: z.string(),
});
export type LedgerEntryView = z.infer<typeof ledgerEntryViewSchema>;

const pageLimit = z.coerce.number().int().min(1).max(500).default(100);

export const listLedgerEntriesSchema = z.strictObject({
  accountId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  from: ledgerDateSchema.optional(),
  to: ledgerDateSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: pageLimit,
});
export type ListLedgerEntriesRequest = z.infer<typeof listLedgerEntriesSchema>;

export const ledgerBalancesSchema = z.strictObject({
  customerId: z.uuid().optional(),
  /** Balances as at the end of this day (default: everything posted). */
  asOf: ledgerDateSchema.optional(),
});

export const accountBalanceSchema = z.object({
  accountId: z.uuid(),
  name: z.string(),
  kind: z.enum(LedgerAccountKinds),
  customerId: z.uuid().nullable(),
  debitPaise: z.number().int(),
  creditPaise: z.number().int(),
  /** Debits minus credits: positive is a debit balance (a customer owes a receivable). */
  balancePaise: z.number().int(),
});
export const customerBalanceSchema = z.object({
  customerId: z.uuid(),
  debitPaise: z.number().int(),
  creditPaise: z.number().int(),
  balancePaise: z.number().int(),
});
export const ledgerBalancesViewSchema = z.object({
  accounts: z.array(accountBalanceSchema),
  customers: z.array(customerBalanceSchema),
  /** Over every account: always 0 for a journal whose entries all balance. */
  totalDebitPaise: z.number().int(),
  totalCreditPaise: z.number().int(),
});

/** A statement: one account's lines, or every line on a customer's accounts, over a period. */
export const ledgerStatementQuerySchema = z
  .strictObject({
    accountId: z.uuid().optional(),
    customerId: z.uuid().optional(),
    from: ledgerDateSchema.optional(),
    to: ledgerDateSchema.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine((q) => (q.accountId === undefined) !== (q.customerId === undefined), {
    message: 'give accountId or customerId (one of them)',
    path: ['accountId'],
  });

export const ledgerStatementPageRequestSchema = z.strictObject({
  accountId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  from: ledgerDateSchema.optional(),
  to: ledgerDateSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: pageLimit,
});

export const statementLineSchema = z.object({
  entryId: z.uuid(),
  seq: z.number().int(),
  occurredOn: z.string(),
  reason: z.string(),
  description: z.string().nullable(),
  upiReference: z.string().nullable(),
  reverses: z.uuid().nullable(),
  accountId: z.uuid(),
  accountName: z.string(),
  debitPaise: z.number().int(),
  creditPaise: z.number().int(),
});
export type StatementLine = z.infer<typeof statementLineSchema>;

export const ledgerStatementPageSchema = z.object({
  accounts: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.enum(LedgerAccountKinds) })),
  /** The balance (debits minus credits) before `from`. */
  openingBalancePaise: z.number().int(),
  items: z.array(statementLineSchema),
  nextCursor: z.string().nullable(),
});
export type LedgerStatementPage = z.infer<typeof ledgerStatementPageSchema>;

export const ledgerVerifyReportSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The last entry's sequence number and hash: note them to detect a later truncation. */
  headSeq: z.number().int(),
  headHash: z.string().nullable(),
  firstBroken: z
    .object({
      seq: z.number().int(),
      entryId: z.uuid().nullable(),
      problem: z.enum(['hash_mismatch', 'previous_hash_mismatch', 'sequence_gap', 'unbalanced']),
    })
    .nullable(),
});
export type LedgerVerifyReport = z.infer<typeof ledgerVerifyReportSchema>;

/** Running balances down a statement, from the opening balance. */
export function runningBalances(
  opening: number,
  lines: readonly { debitPaise: number; creditPaise: number }[],
): number[] {
  let balance = BigInt(opening);
  return lines.map((l) => {
    balance += BigInt(l.debitPaise) - BigInt(l.creditPaise);
    return Number(balance);
  });
}

/** Paise as rupees with two decimals (`-1234.50`), exactly: no floating point. */
export function formatRupees(paise: number): string {
  const negative = paise < 0;
  const abs = BigInt(Math.abs(paise));
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
