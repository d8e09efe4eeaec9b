import { z } from 'zod';

/**
 * Data categories of personal fields. Every personal field of a customer or a business record
 * names one; the category decides encryption, who may see it, masking, export and erasure.
 * Sensitive categories are shown only to roles granted `customers:read:sensitive`.
 */
export const DataCategories = {
  'user.name': { sensitive: false, description: 'a person’s name' },
  'user.contact.phone': { sensitive: false, description: 'phone number' },
  'user.contact.email': { sensitive: false, description: 'email address' },
  'user.contact.address': { sensitive: false, description: 'postal address' },
  'user.notes': { sensitive: false, description: 'free-text notes about a person' },
  'user.preferences': { sensitive: false, description: 'tags, language and other preferences' },
  'user.consent': { sensitive: false, description: 'consent choices (marketing channels)' },
  'user.custom': { sensitive: false, description: 'a tenant-defined field' },
  'user.activity': { sensitive: false, description: 'what a person bought, booked or received' },
  'user.location': { sensitive: false, description: 'room, property or place linked to a person' },
  'user.health': { sensitive: true, description: 'medical or fitness information' },
  'user.government_id': { sensitive: true, description: 'Aadhaar, PAN, passport or other government ID' },
  'user.financial': { sensitive: true, description: 'payments, UPI references, amounts owed' },
  /** Not personal data: business facts such as quantities or stages. */
  'business.operational': { sensitive: false, description: 'not personal data' },
} as const;
export type DataCategory = keyof typeof DataCategories;
export const dataCategorySchema = z.enum(Object.keys(DataCategories) as [DataCategory, ...DataCategory[]]);

export function isSensitiveCategory(category: DataCategory): boolean {
  return DataCategories[category].sensitive;
}

/** Contact categories: shown masked to a reader without `customers:read:contact`, wherever they are declared. */
export const ContactCategories: readonly DataCategory[] = [
  'user.contact.phone',
  'user.contact.email',
  'user.contact.address',
];

export function isContactCategory(category: DataCategory): boolean {
  return ContactCategories.includes(category);
}

/** How closely a category is guarded: operational 0, personal 1, contact (masked) 2, sensitive (hidden) 3. */
export function categoryStrictness(category: DataCategory): number {
  if (isSensitiveCategory(category)) return 3;
  if (isContactCategory(category)) return 2;
  return category === 'business.operational' ? 0 : 1;
}

/** The most closely guarded of `categories` (the last of equals), e.g. over a field's versions. */
export function strictestCategory(categories: readonly DataCategory[]): DataCategory | undefined {
  let best: DataCategory | undefined;
  for (const c of categories) if (best === undefined || categoryStrictness(c) >= categoryStrictness(best)) best = c;
  return best;
}
