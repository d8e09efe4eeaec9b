import { DomainError } from './errors.js';
import { isUuid } from './ids.js';

/**
 * Keyset cursor over rows newest first, ordered by a time and then the ID: `<ISO time>|<id>`,
 * base64url. The time keeps its fraction (milliseconds from a Date, up to microseconds as text):
 * a cursor that dropped it would skip the rows of the same second that come after it.
 *
 * Decoding accepts only what encoding makes — the exact shape, a UUID, a real calendar time
 * between 1970 and 9999 — so a forged cursor is a 400 naming `cursor`, never a database error.
 */
const CURSOR_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const NOT_OURS = { path: 'cursor', message: 'not a cursor from this API' };
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

export interface KeysetPosition {
  /** The time as a Date (milliseconds). */
  at: Date;
  /** The time exactly as the cursor holds it (for a query that compares finer than milliseconds). */
  time: string;
  id: string;
}

export function encodeKeysetCursor(at: Date | string, id: string): string {
  // Canonical text (e.g. an audit event's `occurredAt`) is kept as it is; anything else goes through Date.
  const time = typeof at === 'string' && CURSOR_TIME.test(at) ? at : new Date(at).toISOString();
  return Buffer.from(`${time}|${id}`).toString('base64url');
}

export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const invalid = () => new DomainError('VALIDATION_FAILED', 'cursor is invalid', [NOT_OURS]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) throw invalid();
  const [time = '', id = ''] = parts;
  const at = parseCursorTime(time);
  if (!at || !isUuid(id)) throw invalid();
  return { at, time, id };
}

/** A UTC time in the cursor's form that names a real instant of years 1970–9999, else null. */
function parseCursorTime(text: string): Date | null {
  const m = CURSOR_TIME.exec(text);
  if (!m) return null;
  const parts = m.slice(1, 7).map(Number);
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // Date.UTC rolls 2026-02-31 over to March; a real time reads back the same fields.
  const fields = [
    at.getUTCFullYear(),
    at.getUTCMonth() + 1,
    at.getUTCDate(),
    at.getUTCHours(),
    at.getUTCMinutes(),
    at.getUTCSeconds(),
  ];
  return fields.join() === parts.join() ? at : null;
}
