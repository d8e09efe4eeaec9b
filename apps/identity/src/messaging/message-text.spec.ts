import { QUOTED_DEVICE_MAX, QUOTED_NAME_MAX, defang, quotedName } from './message-text.js';

describe('message text: names inside platform messages', () => {
  it('security #6: quotes an ordinary business name as it is', () => {
    expect(quotedName('Jal Mitra Waters', 'a business')).toBe('“Jal Mitra Waters”');
    expect(quotedName("Asha's Salon & Spa", 'a business')).toBe("“Asha's Salon & Spa”");
    expect(quotedName('Lakshmi’s Kitchen', 'a business')).toBe('“Lakshmi’s Kitchen”');
    expect(quotedName('जल मित्र वाटर्स', 'a business')).toBe('“जल मित्र वाटर्स”');
    expect(quotedName('Shop No. 12, Pune 411001', 'a business')).toBe('“Shop No. 12, Pune 411001”');
  });

  it('security #6: strips links, host names, email addresses and phone numbers', () => {
    expect(defang('Refunds at https://evil.example/claim?id=1 today')).toBe('Refunds at today');
    expect(defang('Visit www.evil-pay.in now')).toBe('Visit now');
    expect(defang('Go to bit.ly/abc or pay-now.example.com')).toBe('Go to or');
    expect(defang('Write to help@evil.example')).toBe('Write to');
    expect(defang('Call +91 98765 43210 or 98765-43210 or (022) 2345 6789')).toBe('Call or or');
    expect(defang('KYC desk 9876543210')).toBe('KYC desk');
  });

  it('security #6: removes quotes, control, bidi and zero-width characters', () => {
    expect(defang('Bank"\u202Enoitacifirev\u202C" desk\u200B\nline two')).toBe('Bank noitacifirev desk line two');
    expect(defang('“Official” «notice» <b>')).toBe('Official notice b');
  });

  it('security #6: caps a long name at a word and marks the cut', () => {
    const name = defang('Pay at www.evil-pay.in or call +91 98765 43210 "Urgent" refund desk of the bank');
    expect(name).toBe('Pay at or call Urgent refund desk of…');
    expect([...defang('x'.repeat(100))]).toHaveLength(QUOTED_NAME_MAX);
    expect([...defang('word '.repeat(30))].length).toBeLessThanOrEqual(QUOTED_NAME_MAX);
  });

  it('security #6: falls back when nothing safe is left', () => {
    expect(quotedName('https://evil.example +91 98765 43210', 'a business')).toBe('a business');
    expect(quotedName('   ', 'your device')).toBe('your device');
    expect(quotedName(null, 'an unknown device')).toBe('an unknown device');
  });

  it('security #6: quotes a device (user agent) for a security alert, defanged, at a longer cap', () => {
    const ua = 'Mozilla/5.0 (X11) verify at http://evil.example/login or call +91 98765 43210';
    expect(quotedName(ua, 'an unknown device', QUOTED_DEVICE_MAX)).toBe('“Mozilla/5.0 (X11) verify at or call”');
    expect([...quotedName('A'.repeat(300), 'x', QUOTED_DEVICE_MAX)]).toHaveLength(QUOTED_DEVICE_MAX + 2);
  });

  it('keeps a browser’s user agent readable', () => {
    expect(defang('Mozilla/5.0 (Android 14) LekhaTest/phone', 120)).toBe('Mozilla/5.0 (Android 14) LekhaTest/phone');
    const chrome = 'Mozilla/5.0 (Windows NT 10.0) Chrome/124.0.6367.91';
    expect(defang(`${chrome} see http://x.example`, 120)).toBe(`${chrome} see`);
  });
});
