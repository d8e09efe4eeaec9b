import {
  DocumentKindCategory,
  DomainError,
  isSensitiveCategory,
  type DocumentKind,
  FeatureError,
  DocumentError,
  CustomerError,
} from '@lekha/contracts';
import type { TenantAccess, TenantScope } from '@lekha/access';
import type { OperationScope } from '@lekha/runtime';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { DocumentRepository, documentField } from './document.repository.js';
import type { CustomerDocumentRow } from './document.entity.js';

export const SENSITIVE_KIND = 'this role may not handle government ID documents';

/** KYC files and government IDs are sensitive: handling them also needs `customers:read:sensitive`. */
export function maySeeKind(ctx: RequestContext, kind: DocumentKind): boolean {
  return !isSensitiveCategory(DocumentKindCategory[kind]) || contextHasPermission(ctx, 'customers:read:sensitive');
}

/** A refusal decided inside a transaction whose audit record must commit before the error goes out. */
export class Refusal {
  constructor(readonly error: DomainError) {}
}

/**
 * Before any transaction, when the kind is known up front: refuses a role without it, the denial
 * recorded (durably, in its own transaction) against `resource`.
 */
export async function requireKind(
  access: TenantAccess,
  scope: OperationScope,
  kind: DocumentKind,
  resource: { type: string; id: string | null },
): Promise<void> {
  if (maySeeKind(scope.ctx, kind)) return;
  await access.refuse(
    scope,
    { resource, reason: 'forbidden_category' },
    new FeatureError(DocumentError.KindNotAllowed, SENSITIVE_KIND),
  );
}

/**
 * Works on one customer's documents (an upload begun, a page listed): a customer not found (it may
 * be another tenant's, and we never say which) is recorded as denied against the customer in the
 * same transaction and, after the commit, answered NOT_FOUND.
 */
export async function onCustomer<T>(
  access: TenantAccess,
  documents: DocumentRepository,
  scope: OperationScope,
  customerId: string,
  fn: (data: TenantScope) => Promise<T>,
): Promise<T> {
  const customer = { type: 'customer', id: customerId };
  const result = await access.run(
    scope,
    async (data) => {
      if (await documents.customerExists(data, customerId)) return { value: await fn(data) };
      await data.record({ resource: customer, outcome: 'denied', reason: 'not_found' });
      return null;
    },
    { resource: customer },
  );
  if (!result) throw new FeatureError(CustomerError.NotFound, 'customer not found');
  return result.value;
}

/**
 * A committed document the caller may handle, for a read or a deletion (the operation's action):
 * `null` when there is none (TenantAccess.runOnOne records the miss), a Refusal with the denial
 * recorded when its kind is sensitive and the caller's role may not handle it.
 */
export async function readyDocumentFor(
  scope: OperationScope,
  data: TenantScope,
  documents: DocumentRepository,
  id: string,
): Promise<CustomerDocumentRow | Refusal | null> {
  const row = await documents.findReady(data, id);
  if (!row) return null;
  const kind = row.kind as DocumentKind;
  if (maySeeKind(scope.ctx, kind)) return row;
  await data.record({
    resource: { id },
    subjectIds: [row.customerId],
    outcome: 'denied',
    reason: 'forbidden_category',
    fields: [documentField(kind)],
  });
  return new Refusal(new FeatureError(DocumentError.KindNotAllowed, SENSITIVE_KIND));
}
