import { gstinCheckChar, isValidGstin } from './gstin.js';

describe('GSTIN', () => {
  it('accepts the documented valid example', () => {
    expect(isValidGstin('27AAPFU0939F1ZV')).toBe(true);
    expect(gstinCheckChar('27AAPFU0939F1Z')).toBe('V');
  });

  it('rejects a wrong check character', () => {
    expect(isValidGstin('27AAPFU0939F1ZA')).toBe(false);
  });

  it('rejects bad shapes', () => {
    for (const bad of ['27AAPFU0939F1Z', '27aapfu0939f1zv', '2AAAPFU0939F1ZV', '27AAPFU0939F1YV'])
      expect(isValidGstin(bad)).toBe(false);
  });
});
