import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { Database, inTenantTransaction, type Em } from '@lekha/persistence';
import { hasPermission, type Permission, type RequestContext } from '@lekha/tenancy';
import type { AuditAction } from '@lekha/contracts';

/**
 * The gate every customer use case passes: checks the permission again (after the gateway),
 * opens the tenant-scoped transaction and records a denial durably before refusing.
 */
@Injectable()
export class CustomerAccess {
  constructor(
    private readonly db: Database,
    readonly audit: AuditOutbox,
  ) {}

  async run<T>(ctx: RequestContext, permission: Permission, action: AuditAction, resourceId: string | null, fn: (tx: Em, tenantId: string) => Promise<T>): Promise<T> {
    const tenantId = ctx.tenantId;
    if (!tenantId || !hasPermission(ctx.roles, permission)) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, { action, resource: { type: 'customer', id: resourceId }, outcome: 'denied', reason: 'forbidden' }),
      );
      throw new DomainError('FORBIDDEN', `this role may not ${permission.replace(':', ' ')}`);
    }
    return inTenantTransaction(this.db.em(), tenantId, (tx) => fn(tx, tenantId));
  }
}
