import { Injectable, Module } from '@nestjs/common';
import { AuditOutbox, type AccessRecord } from '@lekha/audit';
import { Database, inTenantTransaction, setRlsTenant, type Em } from '@lekha/persistence';

/**
 * How identity's use cases reach their data: they open a unit of work here and hand it to the
 * repositories, which alone hold the queries. A use case never queries through `Em` itself (the
 * source test in libs/audit guards that).
 *
 * Identity keeps tables no tenant owns (the login index, credentials, platform users), so the
 * scopes differ from tenant-data's: a plain transaction, one with row-level security naming a
 * tenant, and one under the tenant role as well.
 */
@Injectable()
export class IdentityData {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
  ) {}

  /** One transaction over identity's tables, with no tenant named. */
  transaction<T>(fn: (tx: Em) => Promise<T>): Promise<T> {
    return this.db.em().transactional(fn);
  }

  /**
   * One transaction with row-level security naming `tenantId` (the owning role still sees the
   * global tables); with none named for a platform user, the only scope where rows without a
   * tenant are visible.
   */
  scoped<T>(tenantId: string | null, fn: (tx: Em) => Promise<T>): Promise<T> {
    return this.db.em().transactional(async (tx) => {
      await this.nameTenant(tx, tenantId);
      return fn(tx);
    });
  }

  /** Names the tenant for row-level security in a transaction already open (none for a platform user). */
  async nameTenant(tx: Em, tenantId: string | null): Promise<void> {
    if (tenantId) await setRlsTenant(tx, tenantId);
  }

  /**
   * One transaction under the tenant role with the tenant set (row-level security binds every
   * statement), or, for a platform user (no tenant), a plain transaction.
   */
  asTenant<T>(tenantId: string | null, fn: (tx: Em) => Promise<T>): Promise<T> {
    return tenantId ? inTenantTransaction(this.db.em(), tenantId, fn) : this.db.em().transactional(fn);
  }

  /** For reads outside a transaction (each statement commits on its own): pass it to a repository. */
  reader(): Em {
    return this.db.em();
  }

  /** Records accesses (usually a refusal before the error is thrown) in a transaction of their own. */
  async record(...records: AccessRecord[]): Promise<void> {
    await this.db.em().transactional((tx) => this.audit.record(tx, ...records));
  }
}

@Module({ providers: [IdentityData], exports: [IdentityData] })
export class IdentityDataModule {}
