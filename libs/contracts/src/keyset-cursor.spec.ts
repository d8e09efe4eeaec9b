import { randomUUID } from 'node:crypto';
import { DomainError } from './errors.js';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

function expectRefused(cursor: string): void {
  try {
    decodeKeysetCursor(cursor);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION_FAILED');
    expect((err as DomainError).details).toEqual([{ path: 'cursor', message: 'not a cursor from this API' }]);
    return;
  }
  throw new Error(`accepted ${cursor}`);
}

describe('keyset cursor', () => {
  it('keeps the time to the millisecond, so rows of the same second after it are not skipped', () => {
    const id = randomUUID();
    const at = new Date('2026-11-22T10:15:30.123Z');
    expect(decodeKeysetCursor(encodeKeysetCursor(at, id))).toEqual({ at, time: '2026-11-22T10:15:30.123Z', id });
    // A database driver may hand the time back as text.
    expect(decodeKeysetCursor(encodeKeysetCursor('2026-11-22 10:15:30.123+00', id)).at.getTime()).toBe(at.getTime());
  });

  it('keeps canonical text as it is, microseconds included (the audit query compares them)', () => {
    const id = randomUUID();
    expect(decodeKeysetCursor(encodeKeysetCursor('2026-11-22T10:15:30.123456Z', id))).toMatchObject({
      time: '2026-11-22T10:15:30.123456Z',
      id,
    });
  });

  it('refuses what it did not make, naming the cursor', () => {
    for (const bad of ['', 'not-a-cursor', b64('yesterday|x'), b64('2026-11-22T10:15:30.123Z')]) expectRefused(bad);
  });

  it('security #11: refuses a forged ID, an out-of-range or impossible time and a wrong shape', () => {
    const id = randomUUID();
    for (const bad of [
      b64('2026-11-22T10:15:30.123Z|not-a-uuid'),
      b64(`2026-11-22T10:15:30.123Z|${id}'; drop table x; --`),
      b64(`+275760-09-13T00:00:00.000Z|${id}`),
      b64(`0000-01-01T00:00:00.000Z|${id}`),
      b64(`1969-12-31T23:59:59.999Z|${id}`),
      b64(`2026-02-31T10:15:30.123Z|${id}`),
      b64(`2026-11-22T25:15:30.123Z|${id}`),
      b64(`1|${id}`),
      b64(`Tue Nov 22 2026|${id}`),
      b64(`2026-11-22T10:15:30.123+05:30|${id}`),
      b64(`2026-11-22T10:15:30.123Z|${id}|extra`),
      b64(`|${id}`),
      b64(`2026-11-22T10:15:30.123Z|`),
      b64(JSON.stringify({ at: '2026-11-22T10:15:30.123Z', id })),
      `${encodeKeysetCursor(new Date(), id)}==`,
      'a'.repeat(201),
    ])
      expectRefused(bad);
  });
});
