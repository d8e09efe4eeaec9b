import { DomainError } from '@lekha/contracts';

/** Keyset cursor over customers, newest first: `createdAt|id`, base64url. */
export function encodeCustomerCursor(last: { createdAt: unknown; id: string }): string {
  return Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url');
}

export function decodeCustomerCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw new DomainError('VALIDATION_FAILED', 'cursor is invalid', [{ path: 'cursor', message: 'not a cursor from this API' }]);
  return { createdAt, id };
}
