import { DomainError } from '@lekha/contracts';

/**
 * Keyset cursor over rows newest first, ordered by a time and then the ID: `<ISO time>|<id>`,
 * base64url. The time keeps its milliseconds — a cursor that dropped them would skip the rows of
 * the same second that come after it.
 */
export function encodeKeysetCursor(at: Date | string, id: string): string {
  const time = at instanceof Date ? at : new Date(at);
  return Buffer.from(`${time.toISOString()}|${id}`).toString('base64url');
}

export function decodeKeysetCursor(cursor: string): { at: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (!id || Number.isNaN(at.getTime())) throw new DomainError('VALIDATION_FAILED', 'cursor is invalid', [{ path: 'cursor', message: 'not a cursor from this API' }]);
  return { at, id };
}
