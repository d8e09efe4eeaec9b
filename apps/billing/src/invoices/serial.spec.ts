import fc from 'fast-check';
import { financialYearOf, istDateString } from './financial-year.js';
import { RULE_46_SERIAL, checkPrefix, formatSerial } from './serial.js';

describe('financial year and Rule 46 serials', () => {
  it('the financial year turns at midnight IST on 1 April (18:30 UTC on 31 March)', () => {
    expect(financialYearOf(new Date('2027-03-31T18:29:59.999Z')).label).toBe('2026-27');
    expect(financialYearOf(new Date('2027-03-31T18:30:00.000Z')).label).toBe('2027-28');
    expect(financialYearOf(new Date('2027-01-15T00:00:00Z'))).toEqual({
      startYear: 2026,
      label: '2026-27',
      short: '26-27',
    });
    expect(financialYearOf(new Date('2099-12-31T00:00:00Z')).short).toBe('99-00');
    expect(istDateString(new Date('2027-03-31T18:30:00Z'))).toBe('01/04/2027');
  });

  it('serials are at most 16 characters of letters, digits, - and /', () => {
    const fy = financialYearOf(new Date('2026-12-01T00:00:00Z'));
    expect(formatSerial('LK', fy, 42)).toBe('LK/26-27/00042');
    expect(formatSerial('LKCN', fy, 99_999)).toBe('LKCN/26-27/99999');
    expect(() => formatSerial('LKCN', fy, 100_000)).toThrow(/16 characters/);
    expect(formatSerial('LK', fy, 1_000_000)).toBe('LK/26-27/1000000');
    expect(() => checkPrefix('LEKHA', fy)).toThrow(/prefix/);
    expect(() => checkPrefix('L K', fy)).toThrow(/prefix/);
    expect(() => checkPrefix('0LK', fy)).toThrow(/prefix/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z1-9][A-Za-z0-9]{0,3}$/),
        fc.integer({ min: 1, max: 99_999 }),
        fc.date({ min: new Date('2017-07-01'), max: new Date('2099-01-01'), noInvalidDate: true }),
        (prefix, n, at) => {
          const serial = formatSerial(prefix, financialYearOf(at), n);
          expect(serial.length).toBeLessThanOrEqual(16);
          expect(RULE_46_SERIAL.test(serial)).toBe(true);
        },
      ),
    );
  });
});
