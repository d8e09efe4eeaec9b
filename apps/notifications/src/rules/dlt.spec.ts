import { NotificationError } from '@lekha/contracts';
import { checkDltSend, matchesTemplate, placeholderCount, renderTemplate, urlHosts } from './dlt.js';

const sms = { channel: 'sms', body: 'Dear {#var#}, pay {#var#} at {#var#} -Lekha' };

describe('DLT rules', () => {
  it('renders `{#var#}` placeholders in order and matches the rendered text against the template', () => {
    expect(placeholderCount(sms.body)).toBe(3);
    const text = renderTemplate(sms.body, ['Asha', 'Rs.500', 'lekha.in/p']);
    expect(text).toBe('Dear Asha, pay Rs.500 at lekha.in/p -Lekha');
    expect(matchesTemplate(sms.body, text)).toBe(true);
    expect(matchesTemplate(sms.body, 'Dear Asha, pay now -Lekha')).toBe(false);
    expect(matchesTemplate(sms.body, `Dear ${'x'.repeat(31)}, pay 1 at 2 -Lekha`)).toBe(false);
  });

  it('finds URLs (with a scheme, www. or a path, or a common link TLD) but not "Rs.500" or "Dr.Rao"', () => {
    expect(urlHosts('see https://A.example.com/x and www.b.in and c.org/p')).toEqual([
      'a.example.com',
      'www.b.in',
      'c.org',
    ]);
    expect(urlHosts('Rs.500 to Dr.Rao')).toEqual([]);
    expect(urlHosts('bit.ly')).toEqual(['bit.ly']);
  });

  it('refuses a wrong variable count, an SMS variable over 30 characters and a URL off the whitelist', () => {
    expect(checkDltSend(sms, ['a'], [])?.reason).toBe(NotificationError.VariableCount);
    expect(checkDltSend(sms, ['a'.repeat(31), 'b', 'c'], [])?.reason).toBe(NotificationError.VariableTooLong);
    expect(checkDltSend({ ...sms, channel: 'whatsapp' }, ['a'.repeat(31), 'b', 'c'], [])).toBeNull();
    expect(checkDltSend(sms, ['a', 'b', 'https://evil.in/x'], ['lekha.in'])?.reason).toBe(
      NotificationError.UrlNotWhitelisted,
    );
    expect(checkDltSend(sms, ['a', 'b', 'https://pay.lekha.in/x'], ['lekha.in'])).toBeNull();
    expect(checkDltSend(sms, ['a', 'b', 'https://notlekha.in/x'], ['lekha.in'])?.reason).toBe(
      NotificationError.UrlNotWhitelisted,
    );
  });
});
