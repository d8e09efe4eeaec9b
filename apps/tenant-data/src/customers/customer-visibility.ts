import type { CustomerView } from '@lekha/contracts';
import { disclosureOf, maskValue, type Reader } from '@lekha/tenancy';
import { ALL_CUSTOMER_FIELDS, CustomerFields, type CustomerField } from './customer.fields.js';

export { maskEmail, maskPhone } from '@lekha/tenancy';

/**
 * What a caller may see of a customer: the whole field, a masked form, or nothing — decided per
 * field by its data category through the platform's one rule (`disclosureOf`, `@lekha/tenancy`),
 * the same rule that masks business-record fields.
 */
export interface Visibility {
  /** Fields left out entirely (sensitive categories without `customers:read:sensitive`). */
  hidden: ReadonlySet<CustomerField>;
  /** Contact fields (phone, email, addresses) shown masked (without `customers:read:contact`). */
  masked: ReadonlySet<CustomerField>;
}

/** `who` is a caller (an API key's scopes count too) or a bare set of roles. */
export function visibilityFor(who: Reader): Visibility {
  const how = (field: CustomerField) => disclosureOf(CustomerFields[field].category, who);
  return {
    hidden: new Set(ALL_CUSTOMER_FIELDS.filter((f) => how(f) === 'hidden')),
    masked: new Set(ALL_CUSTOMER_FIELDS.filter((f) => how(f) === 'masked')),
  };
}

/** The fields a view under `v` discloses in any form: what the audit record lists. */
export function disclosedFields(v: Visibility): CustomerField[] {
  return ALL_CUSTOMER_FIELDS.filter((f) => !v.hidden.has(f));
}

export function applyVisibility(view: CustomerView, v: Visibility): CustomerView {
  const out = { ...view } as unknown as Record<string, unknown>;
  for (const field of v.masked) {
    if (out[field] === null || out[field] === undefined) continue;
    out[field] = maskValue(CustomerFields[field].category, out[field]);
  }
  for (const field of v.hidden) delete out[field];
  return out as unknown as CustomerView;
}
