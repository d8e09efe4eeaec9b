import { FieldCipher, randomKey } from '@lekha/crypto';
import type { CustomerView } from '@lekha/contracts';
import { applyVisibility, disclosedFields, maskEmail, maskPhone, visibilityFor } from './customer-visibility.js';
import { customerCodec } from './customer-codec.js';
import type { CustomerRow } from './customer.entity.js';

const view: CustomerView = {
  id: 'c1',
  name: 'Meena',
  phone: '+919000012345',
  email: 'meena@example.in',
  addresses: [],
  notes: null,
  healthNotes: 'asthma',
  tags: [],
  preferredLanguage: null,
  marketingConsent: { sms: false, whatsapp: false, email: false },
  extra: {},
  createdAt: '',
  updatedAt: '',
};

describe('customer visibility by role', () => {
  it('masks contact details and hides sensitive categories from a caretaker', () => {
    const v = visibilityFor(['caretaker']);
    const seen = applyVisibility(view, v);
    expect(seen.phone).toBe('+91******2345');
    expect(seen.email).toBe('m***@example.in');
    expect(seen).not.toHaveProperty('healthNotes');
    expect(disclosedFields(v)).not.toContain('healthNotes');
  });

  it('security #5: masks a customer’s postal address like the phone, by its contact category', () => {
    const home = { label: 'home', line1: '12 MG Road', city: 'Pune', state: 'Maharashtra', pincode: '411001' };
    const withAddress = { ...view, addresses: [home] };
    expect(applyVisibility(withAddress, visibilityFor(['caretaker'])).addresses).toEqual([{ ...home, line1: '***' }]);
    expect(visibilityFor(['caretaker']).masked).toEqual(new Set(['phone', 'email', 'addresses']));
    expect(applyVisibility(withAddress, visibilityFor(['staff']))).toEqual(withAddress);
  });

  it('shows an owner everything, and a role with several grants the union', () => {
    expect(applyVisibility(view, visibilityFor(['owner']))).toEqual(view);
    expect(applyVisibility(view, visibilityFor(['caretaker', 'staff']))).toEqual(view);
  });

  it('masks numbers of any length without revealing more than the last four digits', () => {
    expect(maskPhone('+14155550123')).toBe('+*******0123');
    expect(maskEmail('x@y.in')).toBe('x***@y.in');
  });
});

describe('customer codec', () => {
  it('stores no field in plaintext and binds ciphertext to its field', () => {
    const c = new FieldCipher({
      versions: [{ version: 1, key: randomKey(), activeFrom: new Date(0) }],
      indexKey: randomKey(),
    });
    const cols = customerCodec.encode(c, {
      name: 'Meena',
      phone: '+919000012345',
      tags: ['vip'],
      addresses: [{ line1: '12 MG Road', city: 'Pune' }],
      extra: { plan: 'gold' },
    });
    expect(JSON.stringify(cols)).not.toMatch(/Meena|9000012345|vip|MG Road|gold/);
    expect(cols.tagIdx).toEqual([c.index('tag', 'vip')]);
    expect(() => c.decrypt('notes', cols.nameEnc)).toThrow();
    const row = {
      id: 'c1',
      ...cols,
      consentSms: false,
      consentWhatsapp: true,
      consentEmail: false,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    } as CustomerRow;
    expect(customerCodec.decode(c, row)).toMatchObject({
      name: 'Meena',
      tags: ['vip'],
      extra: { plan: 'gold' },
      marketingConsent: { whatsapp: true },
    });
  });
});
