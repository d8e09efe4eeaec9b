import { randomFillSync } from 'node:crypto';

/** Random bytes for 256 IDs at a time: one call to the generator instead of one per ID. */
const POOL = Buffer.alloc(16 * 256);
let pooled = POOL.length;

/** UUID version 7: time-ordered, so ids sort by creation and index well. */
export function uuidv7(now = Date.now()): string {
  if (pooled === POOL.length) {
    randomFillSync(POOL);
    pooled = 0;
  }
  const b = POOL.subarray(pooled, (pooled += 16));
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its text form (any version, either case). */
export function isUuid(text: string): boolean {
  return UUID_TEXT.test(text);
}
