/**
 * Bounds for free-form JSON (a record's `data`): nesting depth, number of values and size. The
 * walk is iterative, so a value nested 50,000 levels deep is refused here instead of overflowing
 * the stack of whatever serialises it next (the bus, a log line).
 */
export interface JsonBounds {
  maxDepth: number;
  maxValues: number;
  /** About the length of the value written as JSON. */
  maxChars: number;
}

/** A record's data: fields (1) hold lists (2) of objects (3) of scalars (4); 16 leaves room and stops abuse. */
export const RecordDataBounds: JsonBounds = { maxDepth: 16, maxValues: 10_000, maxChars: 256 * 1024 };

/** Why `value` is out of bounds, or null when it is within them. */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  let values = 0;
  let chars = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > bounds.maxDepth) return `must be nested at most ${bounds.maxDepth} levels deep`;
    if (++values > bounds.maxValues) return `must hold at most ${bounds.maxValues} values`;
    if (Array.isArray(v)) {
      chars += 2 + v.length;
      for (const item of v) stack.push([item, depth + 1]);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        chars += key.length + 4;
        stack.push([item, depth + 1]);
      }
      chars += 2;
    } else {
      chars += typeof v === 'string' ? v.length + 2 : String(v).length;
    }
    if (chars > bounds.maxChars) return `must be at most ${bounds.maxChars} characters as JSON`;
  }
  return null;
}
