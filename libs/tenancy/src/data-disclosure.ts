import { isContactCategory, isSensitiveCategory, type DataCategory } from '@lekha/contracts';
import { contextHasPermission } from './roles.js';

/**
 * The one masking rule for personal data, keyed by data category and the caller's permissions,
 * for every field that declares a category (customer fields, business-record fields, exports):
 * - a sensitive category (health, government ID, financial) is left out without `customers:read:sensitive`;
 * - a contact category (phone, email, postal address) is masked without `customers:read:contact`;
 * - anything else is shown as it is.
 */
export type Disclosure = 'clear' | 'masked' | 'hidden';

/** A caller (an API key's scopes count too) or a bare set of roles. */
export type Reader = readonly string[] | { roles: readonly string[]; actorType?: string; scopes?: readonly string[] };

export function disclosureOf(category: DataCategory, reader: Reader): Disclosure {
  const ctx = isRoles(reader) ? { roles: reader } : reader;
  if (isSensitiveCategory(category)) return contextHasPermission(ctx, 'customers:read:sensitive') ? 'clear' : 'hidden';
  if (isContactCategory(category)) return contextHasPermission(ctx, 'customers:read:contact') ? 'clear' : 'masked';
  return 'clear';
}

/** A value as `reader` may see it: `undefined` when the field is to be left out. */
export function discloseValue(category: DataCategory, value: unknown, reader: Reader): unknown {
  const how = disclosureOf(category, reader);
  if (how === 'hidden') return undefined;
  return how === 'masked' ? maskValue(category, value) : value;
}

/** Masks a value of a contact category, whatever its shape (text, number, list or object). */
export function maskValue(category: DataCategory, value: unknown): unknown {
  if (category === 'user.contact.address') return maskAddress(value);
  const mask = category === 'user.contact.email' ? maskEmail : maskPhone;
  return mapLeaves(value, (leaf) => mask(leaf));
}

/** `+919000012345` → `+91******2345`: enough to recognise a number, not to call it. */
export function maskPhone(phone: string): string {
  const keep = 4;
  if (phone.length <= keep) return '*'.repeat(phone.length);
  const prefix = phone.startsWith('+91') ? '+91' : phone.slice(0, 1);
  return prefix + '*'.repeat(Math.max(phone.length - prefix.length - keep, 0)) + phone.slice(-keep);
}

/** `meena.iyer@example.in` → `m***@example.in`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/** Parts of an address that name only a locality: kept, so a masked address still says where roughly. */
const LOCALITY_KEYS = new Set(['label', 'city', 'state', 'pincode']);

/**
 * `12 MG Road, Indiranagar, Bengaluru 560038` → `***, Bengaluru 560038` (the last part, the locality,
 * stays); one part alone → `***`. In an address object, label, city, state and pincode stay and
 * every other part (house, street) is masked.
 */
export function maskAddress(value: unknown): unknown {
  if (typeof value === 'string') {
    const parts = value.split(',');
    return parts.length > 1 ? `***,${parts[parts.length - 1]}` : '***';
  }
  if (typeof value === 'number') return '***';
  if (Array.isArray(value)) return value.map(maskAddress);
  if (value !== null && typeof value === 'object') {
    const part = ([k, v]: [string, unknown]) => [k, LOCALITY_KEYS.has(k) || v === null ? v : maskAddress(v)];
    return Object.fromEntries(Object.entries(value).map(part));
  }
  return value;
}

/** Applies `mask` to every text or number inside `value` (numbers come back masked as text). */
function mapLeaves(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (typeof value === 'number') return mask(String(value));
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, mask));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, mask)]));
  }
  return value;
}

function isRoles(reader: Reader): reader is readonly string[] {
  return Array.isArray(reader);
}
