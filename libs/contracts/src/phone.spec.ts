import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizePhone, phoneLookupForms } from './phone.js';

describe('normalizePhone', () => {
  it('keeps an Indian mobile number in E.164 as it is, as the numbering plan formats it when valid', () => {
    // Numbers across every leading digit and series, valid or outside the plan's ranges.
    const numbers = Array.from(
      { length: 4000 },
      (_, i) => `+91${6 + (i % 4)}${String((i * 7_919_843) % 1e9).padStart(9, '0')}`,
    );
    let valid = 0;
    for (const n of numbers) {
      expect(normalizePhone(n)).toBe(n);
      const parsed = parsePhoneNumberFromString(n);
      if (parsed?.isValid()) {
        valid++;
        expect(parsed.number).toBe(n);
      }
    }
    expect(valid).toBeGreaterThan(1000);
  });

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

describe('security #16: Indian numbers in every common spelling', () => {
  const mobile = '+919876543210';
  it.each([
    '9876543210',
    '98765 43210',
    '98765-43210',
    '(98765) 43210',
    '098765 43210',
    '0 98765 43210',
    '919876543210',
    '91 98765 43210',
    '+91 98765 43210',
    '+91-98765-43210',
    '+91 9876 543 210',
    '+91.98765.43210',
    // The trunk 0 after the country code, which used to make a different number:
    '+91 09876543210',
    '+91 0 98765 43210',
    '+91 (0) 98765-43210',
    '+9109876543210',
    '91 098765 43210',
    // The international prefix instead of +:
    '0091 98765 43210',
    '00 91 98765 43210',
    '009109876543210',
  ])('%s is +919876543210', (input) => {
    expect(normalizePhone(input)).toBe(mobile);
  });

  it.each([
    ['080 2345 6789', '+918023456789'],
    ['+91 80 2345 6789', '+918023456789'],
    ['+91 0 80 2345 6789', '+918023456789'],
    ['0091 80 2345 6789', '+918023456789'],
    ['+91 1800 123 4567', '+9118001234567'],
  ])('a landline or service number %s is %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    // Ordinary spellings keep the normal form they always had (blind indexes are computed over it).
    ['+91 98765 4321', '+91987654321'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 212 555 0100', '+12125550100'],
    ['+52 1 55 1234 5678', '+5215512345678'],
    ['+65 6123 4567', '+6561234567'],
  ])('keeps the earlier normal form of %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['1800 123 4567', '5876543210', '0000000000', '91 5876543210', '+91 98765 43210 ext 9', '0044 20 7946 0958'])(
    'still rejects %s',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );

  it('names the form earlier versions stored for a trunk-0 spelling, so those rows are still found', () => {
    expect(phoneLookupForms('+919876543210')).toEqual(['+919876543210', '+9109876543210']);
    expect(phoneLookupForms('+918023456789')).toEqual(['+918023456789', '+9108023456789']);
    expect(phoneLookupForms('+442079460958')).toEqual(['+442079460958']);
    expect(phoneLookupForms('+91987654321')).toEqual(['+91987654321']);
  });
});
