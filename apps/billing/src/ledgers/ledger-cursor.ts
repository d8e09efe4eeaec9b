import { DomainError } from '@lekha/contracts';

const invalid = () =>
  new DomainError('VALIDATION_FAILED', 'cursor is invalid', [
    { path: 'cursor', message: 'not a cursor from this API' },
  ]);

/** The entries list's cursor: the last sequence number served. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`s|${seq}`).toString('base64url');
}

export function decodeSeqCursor(cursor: string): number {
  const m = /^s\|(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor) || !m) throw invalid();
  return Number(m[1]);
}

export interface StatementPosition {
  occurredOn: string;
  seq: number;
  lineNo: number;
}

/** A statement's cursor: the value date, sequence number and line number of the last line served. */
export function encodeStatementCursor(p: StatementPosition): string {
  return Buffer.from(`t|${p.occurredOn}|${p.seq}|${p.lineNo}`).toString('base64url');
}

export function decodeStatementCursor(cursor: string): StatementPosition {
  const m = /^t\|(\d{4}-\d{2}-\d{2})\|(\d{1,15})\|(\d{1,3})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor) || !m || Number.isNaN(Date.parse(m[1]!))) throw invalid();
  return { occurredOn: m[1]!, seq: Number(m[2]), lineNo: Number(m[3]) };
}
