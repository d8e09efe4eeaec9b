import { normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['98765 43210', '+919876543210'],
    ['098765-43210', '+919876543210'],
    ['+91 98765 43210', '+919876543210'],
    ['919876543210', '+919876543210'],
    ['(987) 654-3210', '+919876543210'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['12345', '5876543210', 'call me', '+1', '98765432101234567', ''])('rejects %s', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });
});
