import {
  DocumentKindCategory,
  DomainError,
  isSensitiveCategory,
  type AuditAction,
  type DocumentKind,
} from '@lekha/contracts';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import type { TenantAccess } from '../common/tenant-access.js';

/** KYC files and government IDs are sensitive: handling them also needs `customers:read:sensitive`. */
export function maySeeKind(ctx: RequestContext, kind: DocumentKind): boolean {
  return !isSensitiveCategory(DocumentKindCategory[kind]) || contextHasPermission(ctx, 'customers:read:sensitive');
}

/** Before any transaction, when the kind is known up front: refuses (audited as denied) a role without it. */
export async function requireKind(
  access: TenantAccess,
  ctx: RequestContext,
  kind: DocumentKind,
  action: AuditAction,
  resource: { type: string; id: string | null },
): Promise<void> {
  if (maySeeKind(ctx, kind)) return;
  // TenantAccess records the denial durably and throws FORBIDDEN.
  await access.run(ctx, { permission: 'customers:read:sensitive', action, resource }, async () => undefined);
  throw new DomainError('FORBIDDEN', 'this role may not handle government ID documents');
}

/** A refusal decided inside a transaction whose audit record must commit before the error goes out. */
export class Refusal {
  constructor(readonly error: DomainError) {}
}
