import { isSensitiveCategory, type DataCategory } from '@lekha/contracts';

/**
 * How a field is kept: ciphertext only; ciphertext plus an HMAC blind index for exact search;
 * or plain, for the few low-risk fields the database must filter on (language, consent flags).
 */
export type FieldStorage = 'encrypted' | 'encrypted+blind-index' | 'plain';
export interface FieldSpec {
  category: DataCategory;
  storage: FieldStorage;
}

/**
 * Every personal field of a customer, declared once. Encryption (the repository), audit records
 * (`fieldsTouched`), role-based visibility (`customer-visibility.ts`) and the data map read it.
 */
export const CustomerFields = {
  name: { category: 'user.name', storage: 'encrypted' },
  phone: { category: 'user.contact.phone', storage: 'encrypted+blind-index' },
  email: { category: 'user.contact.email', storage: 'encrypted+blind-index' },
  addresses: { category: 'user.contact.address', storage: 'encrypted' },
  notes: { category: 'user.notes', storage: 'encrypted' },
  healthNotes: { category: 'user.health', storage: 'encrypted' },
  tags: { category: 'user.preferences', storage: 'encrypted+blind-index' },
  preferredLanguage: { category: 'user.preferences', storage: 'plain' },
  marketingConsent: { category: 'user.consent', storage: 'plain' },
  extra: { category: 'user.custom', storage: 'encrypted' },
} as const satisfies Record<string, FieldSpec>;
export type CustomerField = keyof typeof CustomerFields;
export const ALL_CUSTOMER_FIELDS = Object.keys(CustomerFields) as CustomerField[];

export function fieldsTouched(names: readonly CustomerField[]): { name: CustomerField; category: DataCategory }[] {
  return names.map((name) => ({ name, category: CustomerFields[name].category }));
}

export function isSensitiveField(name: CustomerField): boolean {
  return isSensitiveCategory(CustomerFields[name].category);
}
