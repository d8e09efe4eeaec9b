import { maskRecipient } from './recipient-mask.js';

describe('maskRecipient', () => {
  it('security #2: shows an invitation’s recipient masked like a customer’s contact', () => {
    expect(maskRecipient({ email: 'ravi.k@jobworks.in' })).toBe('r***@jobworks.in');
    expect(maskRecipient({ phone: '+919876543210' })).toBe('+91******3210');
    expect(maskRecipient({ phone: '+14155550123' })).toBe('+*******0123');
    expect(maskRecipient({ email: '@odd' })).toBe('***');
  });
});
