import { CustomerError, FeatureError, type DomainError } from '@lekha/contracts';
import type { TenantScope } from '@lekha/access';
import { fieldsTouched } from './customer.fields.js';
import type { CustomerRepository } from './customer.repository.js';
import { phoneIndexes } from './contact-indexes.js';

export interface ContactConflict {
  path: 'email' | 'phone';
  message: string;
}

/**
 * One rule for create, update and import: a phone or email another customer of the tenant holds
 * is refused. Returns the fields in conflict and the customers whose existence that reveals (to be
 * audited as a search, as the import does).
 */
export async function contactConflicts(
  scope: TenantScope,
  customers: CustomerRepository,
  contact: { phone?: string | null; email?: string | null },
  exceptId?: string,
): Promise<{ conflicts: ContactConflict[]; matchedIds: string[] }> {
  const phones = contact.phone ? phoneIndexes(scope.cipher, contact.phone) : [];
  const email = contact.email ? scope.cipher.index('email', contact.email) : null;
  if (!phones.length && !email) return { conflicts: [], matchedIds: [] };
  // Two writers of the same phone or email serialise here, so both cannot pass the check.
  for (const key of [...phones, ...(email ? [email] : [])].sort()) {
    const lock = `customer-contact:${scope.tenantId}:${key}`;
    await scope.tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [lock]);
  }
  const matches = await customers.findByContactIndexes(scope, phones, email ? [email] : []);
  const found = matches.filter((c) => c.id !== exceptId);
  const conflicts: ContactConflict[] = [];
  const taken = (path: ContactConflict['path']) => {
    conflicts.push({ path, message: `a customer with this ${path} exists already` });
  };
  if (email && found.some((c) => c.emailIdx === email)) taken('email');
  if (found.some((c) => c.phoneIdx !== null && phones.includes(c.phoneIdx))) taken('phone');
  return { conflicts, matchedIds: [...new Set(found.map((c) => c.id))] };
}

/**
 * For a use case inside its tenant transaction: when the contact is taken, audits what the refusal
 * discloses (a search naming the customers matched) and the refused write, and returns the
 * conflicts for the caller to throw once the transaction (with those records) has committed.
 */
export async function refuseTakenContacts(
  scope: TenantScope,
  customers: CustomerRepository,
  contact: { phone?: string | null; email?: string | null },
  write: { action: 'create' | 'update'; id: string | null },
): Promise<{ conflicts: ContactConflict[] } | null> {
  const { conflicts, matchedIds } = await contactConflicts(scope, customers, contact, write.id ?? undefined);
  if (!conflicts.length) return null;
  const fields = fieldsTouched(conflicts.map((c) => c.path));
  const searched = { type: 'customer', id: null };
  await scope.record({ action: 'search', resource: searched, subjectIds: matchedIds, fields });
  const resource = { type: 'customer', id: write.id };
  await scope.record({ action: write.action, resource, outcome: 'denied', reason: 'contact_in_use' });
  return { conflicts };
}

export function conflictError(conflicts: ContactConflict[]): DomainError {
  return new FeatureError(CustomerError.ContactTaken, 'another customer already has this phone or email', conflicts);
}
