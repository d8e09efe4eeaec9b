import type { ImportRowError } from '@lekha/contracts';
import type { TenantScope } from '@lekha/access';
import type { CustomerRepository } from './customer.repository.js';
import type { StagedRow } from './customer-import.repository.js';
import { phoneIndexes } from './contact-indexes.js';

/**
 * Duplicate phones and emails make a row bad: within the file (the later row names the earlier
 * one) and against the tenant's existing customers. Compared through blind indexes, so the check
 * needs no decryption. Returns the errors and the existing customers whose existence was revealed.
 */
export async function duplicateContacts(
  scope: TenantScope,
  customers: CustomerRepository,
  rows: readonly StagedRow[],
): Promise<{ errors: ImportRowError[]; matchedIds: string[] }> {
  const errors: ImportRowError[] = [];
  const seen = { phone: new Map<string, number>(), email: new Map<string, number>() };
  const idx = rows.map((r) => ({
    row: r.row,
    phone: scope.cipher.index('phone', r.customer.phone),
    email: scope.cipher.index('email', r.customer.email),
  }));
  for (const r of idx) {
    for (const field of ['phone', 'email'] as const) {
      const key = r[field];
      if (!key) continue;
      const first = seen[field].get(key);
      if (first !== undefined) errors.push({ row: r.row, field, message: `same ${field} as row ${first}` });
      else seen[field].set(key, r.row);
    }
  }
  // A phone may also be stored under the form earlier versions gave it (see phoneIndexes): each counts as the phone.
  const phoneOf = new Map<string, string>();
  for (const r of rows) {
    if (!r.customer.phone) continue;
    const [current, ...earlier] = phoneIndexes(scope.cipher, r.customer.phone);
    for (const form of [current!, ...earlier]) phoneOf.set(form, current!);
  }
  const existing = await customers.findByContactIndexes(scope, [...phoneOf.keys()], [...seen.email.keys()]);
  const taken = {
    phone: new Set(existing.map((e) => (e.phoneIdx ? phoneOf.get(e.phoneIdx) : null))),
    email: new Set(existing.map((e) => e.emailIdx)),
  };
  for (const r of idx) {
    for (const field of ['phone', 'email'] as const) {
      if (r[field] && taken[field].has(r[field]) && seen[field].get(r[field]) === r.row) {
        errors.push({ row: r.row, field, message: `a customer with this ${field} exists already` });
      }
    }
  }
  errors.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
  return { errors, matchedIds: [...new Set(existing.map((e) => e.id))] };
}

/** Splits ids into groups that fit one audit event's `subjectIds` (at most 1000). */
export function inGroups<T>(items: readonly T[], size = 1000): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
