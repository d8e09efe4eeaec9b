import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { Database, inTenantTransaction, type Em } from '@lekha/persistence';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { hasPermission, type Permission, type RequestContext } from '@lekha/tenancy';
import type { AuditAction } from '@lekha/contracts';

/** What a use case works with: the tenant's transaction and its field cipher. */
export interface TenantScope {
  tx: Em;
  tenantId: string;
  cipher: FieldCipher;
}

/**
 * The gate every customer use case passes: checks the permission again (after the gateway),
 * opens the tenant-scoped transaction and records a denial durably before refusing.
 */
@Injectable()
export class CustomerAccess {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    readonly audit: AuditOutbox,
  ) {}

  async run<T>(ctx: RequestContext, permission: Permission, action: AuditAction, resourceId: string | null, fn: (scope: TenantScope) => Promise<T>): Promise<T> {
    const tenantId = ctx.tenantId;
    if (!tenantId || !hasPermission(ctx.roles, permission)) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, { action, resource: { type: 'customer', id: resourceId }, outcome: 'denied', reason: 'forbidden' }),
      );
      throw new DomainError('FORBIDDEN', `this role may not ${permission.replace(':', ' ')}`);
    }
    // Keys are loaded before the transaction opens: the embedded database has a single connection,
    // so a key lookup from inside the transaction would wait on itself.
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    return inTenantTransaction(this.db.em(), tenantId, (tx) => fn({ tx, tenantId, cipher }));
  }
}
