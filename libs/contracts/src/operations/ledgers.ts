import { z } from 'zod';
import { emptyRequestSchema, operation, pageSchema } from '../operation.js';
import {
  createLedgerAccountSchema,
  ledgerAccountViewSchema,
  ledgerBalancesSchema,
  ledgerBalancesViewSchema,
  ledgerEntryViewSchema,
  ledgerStatementPageRequestSchema,
  ledgerStatementPageSchema,
  ledgerVerifyReportSchema,
  listLedgerAccountsSchema,
  listLedgerEntriesSchema,
  postLedgerEntrySchema,
  reverseLedgerEntrySchema,
} from '../ledgers.js';

/** Tenant ledgers (billing): an append-only, hash-chained double-entry journal per tenant. */
export const LedgerOps = {
  createAccount: operation({
    name: 'billing.ledger-accounts.create',
    request: createLedgerAccountSchema,
    response: ledgerAccountViewSchema,
    access: 'ledgers:write',
    audit: { action: 'create', resourceType: 'ledger_account', resourceIdField: null },
    summary: 'Open a ledger account (receivable, cash, UPI, bank, deposit, income, …), optionally a customer’s',
    http: { method: 'POST', path: 'v1/ledgers/accounts', tag: 'ledgers' },
  }),
  listAccounts: operation({
    name: 'billing.ledger-accounts.list',
    request: listLedgerAccountsSchema,
    response: z.object({ items: z.array(ledgerAccountViewSchema) }),
    access: 'ledgers:read',
    audit: { action: 'list', resourceType: 'ledger_account' },
    summary: 'The tenant’s ledger accounts; ?customerId= and ?kind= filter',
    http: { method: 'GET', path: 'v1/ledgers/accounts', tag: 'ledgers' },
  }),
  postEntry: operation({
    name: 'billing.ledger-entries.post',
    request: postLedgerEntrySchema,
    response: ledgerEntryViewSchema,
    access: 'ledgers:write',
    audit: { action: 'create', resourceType: 'ledger_entry', resourceIdField: null },
    summary:
      'Post a balanced journal entry (≥ 2 lines, debits = credits in paise) with a reason and an optional ' +
      '12-digit UPI reference; 422 LEDGER_UNBALANCED otherwise. Entries are never edited or deleted',
    http: { method: 'POST', path: 'v1/ledgers/entries', tag: 'ledgers' },
  }),
  reverseEntry: operation({
    name: 'billing.ledger-entries.reverse',
    request: reverseLedgerEntrySchema,
    response: ledgerEntryViewSchema,
    access: 'ledgers:write',
    audit: { action: 'create', resourceType: 'ledger_entry' },
    summary: 'Correct an entry the only way there is: a new entry with every line reversed, referencing it',
    http: { method: 'POST', path: 'v1/ledgers/entries/:id/reverse', tag: 'ledgers' },
  }),
  listEntries: operation({
    name: 'billing.ledger-entries.list',
    request: listLedgerEntriesSchema,
    response: pageSchema(ledgerEntryViewSchema),
    access: 'ledgers:read',
    audit: { action: 'list', resourceType: 'ledger_entry' },
    summary: 'Journal entries in posting order; ?accountId=, ?customerId=, ?from=, ?to= (value dates) filter',
    http: { method: 'GET', path: 'v1/ledgers/entries', tag: 'ledgers' },
  }),
  balances: operation({
    name: 'billing.ledger-balances.get',
    request: ledgerBalancesSchema,
    response: ledgerBalancesViewSchema,
    access: 'ledgers:read',
    audit: { action: 'read', resourceType: 'ledger_balance', resourceIdField: null },
    summary: 'Balances per account and per customer (debits minus credits, paise); ?customerId=, ?asOf=',
    http: { method: 'GET', path: 'v1/ledgers/balances', tag: 'ledgers' },
  }),
  statementPage: operation({
    name: 'billing.ledger-statement.page',
    request: ledgerStatementPageRequestSchema,
    response: ledgerStatementPageSchema,
    access: 'ledgers:read',
    audit: { action: 'export', resourceType: 'ledger_statement', resourceIdField: null },
    summary: 'One page of a statement: an account’s (or a customer’s) lines over a period, opening balance',
    internal: 'GET v1/ledgers/statement is hand-written: it streams JSON or CSV page by page',
  }),
  verify: operation({
    name: 'billing.ledger-chain.verify',
    request: emptyRequestSchema,
    response: ledgerVerifyReportSchema,
    access: 'ledgers:read',
    audit: { action: 'read', resourceType: 'ledger_chain', resourceIdField: null },
    summary: 'Recompute the tenant’s hash chain: ok, or the first broken entry (changed, removed, reordered)',
    http: { method: 'GET', path: 'v1/ledgers/verify', tag: 'ledgers' },
  }),
} as const;
