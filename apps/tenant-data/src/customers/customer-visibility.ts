import type { CustomerView } from '@lekha/contracts';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { ALL_CUSTOMER_FIELDS, isSensitiveField, type CustomerField } from './customer.fields.js';

/** What a set of roles may see of a customer: the whole field, a masked form, or nothing. */
export interface Visibility {
  /** Fields left out entirely (sensitive categories without `customers:read:sensitive`). */
  hidden: ReadonlySet<CustomerField>;
  /** Contact fields shown masked (without `customers:read:contact`). */
  masked: ReadonlySet<CustomerField>;
}

const CONTACT_FIELDS: readonly CustomerField[] = ['phone', 'email'];

/** `who` is a caller (an API key's scopes count too) or a bare set of roles. */
export function visibilityFor(who: readonly string[] | Pick<RequestContext, 'roles' | 'actorType' | 'scopes'>): Visibility {
  const ctx = isRoles(who) ? { roles: who } : who;
  return {
    hidden: new Set(contextHasPermission(ctx, 'customers:read:sensitive') ? [] : ALL_CUSTOMER_FIELDS.filter(isSensitiveField)),
    masked: new Set(contextHasPermission(ctx, 'customers:read:contact') ? [] : CONTACT_FIELDS),
  };
}

/** The fields a view under `v` discloses in any form: what the audit record lists. */
export function disclosedFields(v: Visibility): CustomerField[] {
  return ALL_CUSTOMER_FIELDS.filter((f) => !v.hidden.has(f));
}

/** `+919000012345` → `+91******2345`: enough to recognise a number, not to call it. */
export function maskPhone(phone: string): string {
  const keep = 4;
  const prefix = phone.startsWith('+91') ? '+91' : phone.slice(0, 1);
  return prefix + '*'.repeat(Math.max(phone.length - prefix.length - keep, 0)) + phone.slice(-keep);
}

/** `meena.iyer@example.in` → `m***@example.in`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

export function applyVisibility(view: CustomerView, v: Visibility): CustomerView {
  const out: CustomerView = { ...view };
  if (v.masked.has('phone') && out.phone) out.phone = maskPhone(out.phone);
  if (v.masked.has('email') && out.email) out.email = maskEmail(out.email);
  for (const field of v.hidden) delete (out as unknown as Record<string, unknown>)[field];
  return out;
}

function isRoles(who: readonly string[] | Pick<RequestContext, 'roles'>): who is readonly string[] {
  return Array.isArray(who);
}
