import {
  formatRupees,
  runningBalances,
  type LedgerEntryView,
  type LedgerStatementPage,
  type StatementLine,
} from '@lekha/contracts';
import { csvCell } from '../common/csv-cell.js';

/** The statement's CSV columns; amounts in rupees with two decimals, balance = debits minus credits. */
export const STATEMENT_COLUMNS = [
  'date',
  'seq',
  'entry_id',
  'account',
  'reason',
  'description',
  'upi_reference',
  'reverses',
  'debit',
  'credit',
  'balance',
] as const;

export const statementCsvHead = `${STATEMENT_COLUMNS.join(',')}\r\n`;

/**
 * One CSV row (RFC 4180: CRLF, quotes doubled). Text a person typed goes through `csvCell`, which
 * quotes and neutralises cells a spreadsheet would run as a formula (= + - @ get a leading ');
 * amounts are numbers the service made and stay numbers.
 */
export function statementCsvRow(line: StatementLine, balancePaise: number): string {
  return (
    [
      line.occurredOn,
      String(line.seq),
      line.entryId,
      csvCell(line.accountName),
      csvCell(line.reason),
      csvCell(line.description),
      line.upiReference ?? '',
      line.reverses ?? '',
      line.debitPaise ? formatRupees(line.debitPaise) : '',
      line.creditPaise ? formatRupees(line.creditPaise) : '',
      formatRupees(balancePaise),
    ].join(',') + '\r\n'
  );
}

/** The opening-balance row that starts a statement. */
export function openingCsvRow(from: string | undefined, openingBalancePaise: number): string {
  return `${from ?? ''},,,,opening_balance,,,,,,${formatRupees(openingBalancePaise)}\r\n`;
}

/** Carries the running balance from page to page while a statement streams. */
export class RunningBalance {
  constructor(private balance: number) {}

  get current(): number {
    return this.balance;
  }

  /** The balance after each line of a page, in order. */
  take(page: LedgerStatementPage): number[] {
    const after = runningBalances(this.balance, page.items);
    if (after.length) this.balance = after[after.length - 1]!;
    return after;
  }
}

/** The journal export's CSV columns: one row per line, entries in posting order, with each entry's hash. */
export const JOURNAL_COLUMNS = [
  'seq',
  'entry_id',
  'date',
  'reason',
  'description',
  'upi_reference',
  'reverses',
  'line',
  'account_id',
  'account',
  'debit',
  'credit',
  'hash',
] as const;

export const journalCsvHead = `${JOURNAL_COLUMNS.join(',')}\r\n`;

/** An entry's rows in the journal export (RFC 4180, formula-safe like the statement). */
export function journalCsvRows(entry: LedgerEntryView, accountNames: ReadonlyMap<string, string>): string {
  return entry.lines
    .map(
      (l, i) =>
        [
          String(entry.seq),
          entry.id,
          entry.occurredOn,
          csvCell(entry.reason),
          csvCell(entry.description),
          entry.upiReference ?? '',
          entry.reverses ?? '',
          String(i + 1),
          l.accountId,
          csvCell(accountNames.get(l.accountId) ?? ''),
          l.debitPaise ? formatRupees(l.debitPaise) : '',
          l.creditPaise ? formatRupees(l.creditPaise) : '',
          entry.hash,
        ].join(',') + '\r\n',
    )
    .join('');
}
