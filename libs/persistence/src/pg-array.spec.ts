import { pgArray } from './pg-array.js';

describe('pgArray', () => {
  it('quotes every value and escapes quotes and backslashes', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray(['a', 'b c', 'x,y'])).toBe('{"a","b c","x,y"}');
    expect(pgArray(['say "hi"', 'back\\slash', '{}'])).toBe('{"say \\"hi\\"","back\\\\slash","{}"}');
  });
});
