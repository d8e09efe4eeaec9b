import { disclosureOf, discloseValue, maskAddress, maskValue } from './data-disclosure.js';

describe('the one masking rule (by data category and the caller’s permissions)', () => {
  it('security #5: masks every contact category for a reader without customers:read:contact, whatever holds it', () => {
    expect(disclosureOf('user.contact.phone', ['caretaker'])).toBe('masked');
    expect(disclosureOf('user.contact.email', ['caretaker'])).toBe('masked');
    expect(disclosureOf('user.contact.address', ['caretaker'])).toBe('masked');
    expect(discloseValue('user.contact.phone', '+919845011223', ['caretaker'])).toBe('+91******1223');
    expect(discloseValue('user.contact.email', 'kiran@example.in', ['caretaker'])).toBe('k***@example.in');
    const address = '12 MG Road, Indiranagar, Bengaluru 560038';
    expect(discloseValue('user.contact.address', address, ['caretaker'])).toBe('***, Bengaluru 560038');
    // An API key needs the scope as well as the role.
    const key = { roles: ['owner'], actorType: 'api_key', scopes: ['customers:read', 'records:read'] };
    expect(discloseValue('user.contact.phone', '+919845011223', key)).toBe('+91******1223');
    const contactKey = { ...key, scopes: [...key.scopes, 'customers:read:contact'] };
    expect(discloseValue('user.contact.phone', '+919845011223', contactKey)).toBe('+919845011223');
    expect(discloseValue('user.contact.phone', '+919845011223', ['owner'])).toBe('+919845011223');
  });

  it('leaves sensitive categories out without customers:read:sensitive and shows the rest', () => {
    expect(discloseValue('user.health', 'asthma', ['caretaker'])).toBeUndefined();
    expect(discloseValue('user.financial', 'UPI-1', ['viewer'])).toBeUndefined();
    expect(discloseValue('user.health', 'asthma', ['staff'])).toBe('asthma');
    expect(discloseValue('user.name', 'Kiran', ['caretaker'])).toBe('Kiran');
    expect(discloseValue('business.operational', 3, ['caretaker'])).toBe(3);
  });

  it('masks numbers, lists and objects of a contact category, not only text', () => {
    expect(maskValue('user.contact.phone', 9845011223)).toBe('9*****1223');
    expect(maskValue('user.contact.phone', ['+919845011223', { alt: '+919845099999' }])).toEqual([
      '+91******1223',
      { alt: '+91******9999' },
    ]);
    expect(maskValue('user.contact.phone', '12')).toBe('**');
    const home = {
      label: 'home',
      line1: '12 MG Road',
      line2: 'Flat 4',
      city: 'Pune',
      state: 'Maharashtra',
      pincode: '411001',
    };
    expect(maskAddress([home])).toEqual([{ ...home, line1: '***', line2: '***' }]);
    expect(maskAddress('Near the temple')).toBe('***');
    expect(maskValue('user.contact.email', true)).toBe(true);
  });
});
