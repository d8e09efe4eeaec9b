import { createRecordSchema, patchRecordSchema } from './records.js';
import { RecordDataBounds, jsonBoundsProblem } from './json-bounds.js';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('record data bounds', () => {
  it('security #12: refuses data nested thousands of levels deep, naming data, without overflowing the stack', () => {
    for (const depth of [17, 5_000, 100_000]) {
      const parsed = createRecordSchema.safeParse({ type: 'delivery', data: { cans: nested(depth) } });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['data']);
      expect(patchRecordSchema.safeParse({ data: { cans: nested(depth) } }).success).toBe(false);
    }
  });

  it('refuses too many values or too much text, and accepts what a record type can hold', () => {
    expect(jsonBoundsProblem({ many: Array.from({ length: 10_001 }, () => 1) }, RecordDataBounds)).toMatch(/values/);
    expect(jsonBoundsProblem({ text: 'x'.repeat(300 * 1024) }, RecordDataBounds)).toMatch(/characters/);
    const items = Array.from({ length: 200 }, (_, i) => ({ sku: `S${i}`, qty: i, note: 'x'.repeat(100) }));
    const order = { items, total: 5, paid: true, note: null };
    expect(jsonBoundsProblem(order, RecordDataBounds)).toBeNull();
    expect(createRecordSchema.safeParse({ type: 'sale', data: order }).success).toBe(true);
    expect(jsonBoundsProblem({ cans: nested(15) }, RecordDataBounds)).toBeNull();
  });
});
