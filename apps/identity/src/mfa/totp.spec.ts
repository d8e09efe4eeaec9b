import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, stepAt } from './totp.js';

describe('totp', () => {
  const rfcSecret = Buffer.from('12345678901234567890', 'ascii');

  it('matches the RFC 4226 HOTP test values', () => {
    expect([0, 1, 2, 9].map((c) => hotp(rfcSecret, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('matches the RFC 6238 SHA-1 test values (last 6 of the 8 digits)', () => {
    expect(hotp(rfcSecret, stepAt(59_000), 8)).toBe('94287082');
    expect(hotp(rfcSecret, stepAt(1_111_111_109_000), 8)).toBe('07081804');
    expect(hotp(rfcSecret, stepAt(2_000_000_000_000), 8)).toBe('69279037');
  });

  it('accepts one step either side and nothing further', () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step), now)).toBe(step);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step - 1), now)).toBe(step - 1);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step + 1), now)).toBe(step + 1);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step - 2), now)).toBeNull();
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step + 2), now)).toBeNull();
  });

  it('round-trips base32 and builds an otpauth URI', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(otpauthUri('MZXW6YTBOI', 'a@b.in')).toBe(
      'otpauth://totp/Lekha%3Aa%40b.in?secret=MZXW6YTBOI&issuer=Lekha&algorithm=SHA1&digits=6&period=30',
    );
  });
});
