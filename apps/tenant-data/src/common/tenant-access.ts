import { Global, Injectable, Module } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type AuditAction } from '@lekha/contracts';
import { Database, inTenantTransaction, type Em } from '@lekha/persistence';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { contextHasPermission, type Permission, type RequestContext } from '@lekha/tenancy';

/** What a use case works with: the tenant's transaction (under RLS) and its field cipher. */
export interface TenantScope {
  tx: Em;
  tenantId: string;
  cipher: FieldCipher;
}

export interface AccessRequest {
  permission: Permission;
  action: AuditAction;
  resource: { type: string; id: string | null };
}

/**
 * The gate every tenant-data use case passes: checks the permission again (after the gateway),
 * records a denial durably before refusing, and opens the tenant-scoped transaction.
 */
@Injectable()
export class TenantAccess {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    readonly audit: AuditOutbox,
  ) {}

  async run<T>(ctx: RequestContext, req: AccessRequest, fn: (scope: TenantScope) => Promise<T>): Promise<T> {
    const tenantId = ctx.tenantId;
    if (!tenantId || !contextHasPermission(ctx, req.permission)) {
      await this.db
        .em()
        .transactional((tx) =>
          this.audit.record(tx, { action: req.action, resource: req.resource, outcome: 'denied', reason: 'forbidden' }),
        );
      throw new DomainError('FORBIDDEN', `this role may not ${req.permission.replaceAll(':', ' ')}`);
    }
    // Keys are loaded before the transaction opens: the embedded database has a single connection,
    // so a key lookup from inside the transaction would wait on itself.
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    return inTenantTransaction(this.db.em(), tenantId, (tx) => fn({ tx, tenantId, cipher }));
  }

  /**
   * For one row by id: when `fn` finds nothing, the miss is recorded as denied in the same
   * transaction (it may be another tenant's id, and we never say which) and, after the commit,
   * the caller gets NOT_FOUND. Cross-tenant ids are thus a 404 that is audited.
   */
  async runOnOne<T>(
    ctx: RequestContext,
    req: AccessRequest & { resource: { type: string; id: string } },
    fn: (scope: TenantScope) => Promise<T | null>,
    notFoundMessage = `${req.resource.type.replaceAll('_', ' ')} not found`,
  ): Promise<T> {
    const result = await this.run(ctx, req, async (scope) => {
      const found = await fn(scope);
      if (found === null)
        await this.audit.record(scope.tx, {
          action: req.action,
          resource: req.resource,
          outcome: 'denied',
          reason: 'not_found',
        });
      return found;
    });
    if (result === null) throw new DomainError('NOT_FOUND', notFoundMessage);
    return result;
  }
}

@Global()
@Module({ providers: [TenantAccess], exports: [TenantAccess] })
export class TenantAccessModule {}
