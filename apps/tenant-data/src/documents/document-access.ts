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
 * Acts on one committed document the caller may handle (a read or a deletion, the operation's
 * action), in one transaction with its audit record. A document that is not there (or is another
 * tenant's) is recorded as a miss and answered NOT_FOUND; a sensitive kind the caller's role may
 * not handle is recorded as denied and refused once that record has committed.
 */
export async function onReadyDocument<T>(
  access: TenantAccess,
  documents: DocumentRepository,
  scope: OperationScope,
  id: string,
  act: (data: TenantScope, row: CustomerDocumentRow) => Promise<T>,
): Promise<T> {
  const result = await access.runOnOne(
    scope,
    id,
    async (data) => {
      const row = await documents.findReady(data, id);
      if (!row) return null;
      const field = documentField(row.kind as DocumentKind);
      const target = { resource: { id }, subjectIds: [row.customerId], fields: [field] };
      if (!maySeeKind(scope.ctx, row.kind as DocumentKind)) {
        await data.record({ ...target, outcome: 'denied', reason: 'forbidden_category' });
        return new Refusal(new FeatureError(DocumentError.KindNotAllowed, SENSITIVE_KIND));
      }
      const value = await act(data, row);
      await data.record(target);
      return { value };
    },
    () => new FeatureError(DocumentError.NotFound, 'document not found'),
  );
  if (result instanceof Refusal) throw result.error;
  return result.value;
}
