import { parseWebhookSources, webhookSourceAllowed } from './common.js';

describe('webhook source allow-lists (MSG91, Gupshup: unsigned providers)', () => {
  const list = '203.0.113.0/24, 198.51.100.7, 2001:db8::/32';

  it('lets in an address inside a listed range or equal to a listed address', () => {
    expect(webhookSourceAllowed(list, '203.0.113.45')).toBe(true);
    expect(webhookSourceAllowed(list, '198.51.100.7')).toBe(true);
    expect(webhookSourceAllowed(list, '2001:db8:1::5')).toBe(true);
  });

  it('reads an IPv4 address the way a dual-stack socket reports it', () => {
    expect(webhookSourceAllowed(list, '::ffff:203.0.113.9')).toBe(true);
    expect(webhookSourceAllowed(list, '::ffff:192.0.2.1')).toBe(false);
  });

  it('refuses any other address, a missing one, and garbage', () => {
    expect(webhookSourceAllowed(list, '203.0.114.1')).toBe(false);
    expect(webhookSourceAllowed(list, '198.51.100.8')).toBe(false);
    expect(webhookSourceAllowed(list, '2001:db9::1')).toBe(false);
    expect(webhookSourceAllowed(list, undefined)).toBe(false);
    expect(webhookSourceAllowed(list, 'localhost')).toBe(false);
  });

  it('allows every source when no list is set (the secret path token alone guards the route)', () => {
    expect(webhookSourceAllowed(undefined, '192.0.2.1')).toBe(true);
    expect(webhookSourceAllowed('  ', undefined)).toBe(true);
  });

  it('refuses unreadable entries when parsing, and lets nothing in through an unreadable list', () => {
    expect(() => parseWebhookSources('203.0.113.0/33')).toThrow('not an address or CIDR range: 203.0.113.0/33');
    expect(() => parseWebhookSources('example.com')).toThrow('not an address or CIDR range');
    expect(() => parseWebhookSources('10.0.0.0/x')).toThrow('not an address or CIDR range');
    expect(webhookSourceAllowed('10.0.0.0/8, nonsense', '10.1.2.3')).toBe(false);
  });
});
