import { randomUUID } from 'node:crypto';
import { DomainError } from '@lekha/contracts';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';

describe('keyset cursor', () => {
  it('keeps the time to the millisecond, so rows of the same second after it are not skipped', () => {
    const id = randomUUID();
    const at = new Date('2026-11-22T10:15:30.123Z');
    expect(decodeKeysetCursor(encodeKeysetCursor(at, id))).toEqual({ at, id });
    // A database driver may hand the time back as text.
    expect(decodeKeysetCursor(encodeKeysetCursor('2026-11-22 10:15:30.123+00', id)).at.getTime()).toBe(at.getTime());
  });

  it('refuses what it did not make, naming the cursor', () => {
    for (const bad of ['', 'not-a-cursor', Buffer.from('yesterday|x').toString('base64url'), Buffer.from('2026-11-22T10:15:30.123Z').toString('base64url')]) {
      try {
        decodeKeysetCursor(bad);
        throw new Error(`accepted ${bad}`);
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).details).toEqual([{ path: 'cursor', message: 'not a cursor from this API' }]);
      }
    }
  });
});
