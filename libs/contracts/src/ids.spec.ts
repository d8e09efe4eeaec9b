import { isUuid, uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('is a version 7 UUID carrying its millisecond, distinct across refills of the random pool', () => {
    const ids = Array.from({ length: 1000 }, () => uuidv7(1_767_225_600_000));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
      expect(id.replace(/-/g, '').slice(0, 12)).toBe((1_767_225_600_000).toString(16).padStart(12, '0'));
    }
  });

  it('sorts by the time it was made', () => {
    const ids = [3, 1, 2].map((ms) => uuidv7(1_767_225_600_000 + ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});
