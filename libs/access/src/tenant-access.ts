import { Global, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { AuditOutbox, type AccessRecord } from '@lekha/audit';
import {
  AccessError,
  DomainError,
  FeatureError,
  MAX_RESOURCE_IDS,
  MAX_SUBJECT_IDS,
  type AuditAction,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import { Database, TENANT_FILTER, inTenantTransaction, setRlsTenant, type Em } from '@lekha/persistence';
import type { OperationScope } from '@lekha/runtime';

/** An access record whose action and resource type default to the operation's audit descriptor. */
export type ScopedRecord = Omit<AccessRecord, 'action' | 'resource'> & {
  action?: AuditAction;
  resource?: { type?: string; id: string | null; ids?: string[] };
};

/** What a tenant use case works with: the tenant's transaction (under RLS) and its field cipher. */
export interface TenantScope {
  tx: Em;
  tenantId: string;
  cipher: FieldCipher;
  /** Records an access in this transaction (it commits or rolls back with the data). */
  record(...records: ScopedRecord[]): Promise<void>;
}

/** What the access is recorded as when it differs from the operation's descriptor (e.g. a search, an id). */
export interface AccessTarget {
  action?: AuditAction;
  resource?: { type?: string; id: string | null };
}

/** A record's resource, its type defaulting to `type`; the IDs of a batch (`ids`) kept. */
export function resourceOf(r: ScopedRecord, type: string): AccessRecord['resource'] {
  const { resource } = r;
  return {
    type: resource?.type ?? type,
    id: resource?.id ?? null,
    ...(resource?.ids ? { ids: resource.ids } : {}),
  };
}

/**
 * Records that differ only in their resource's ID and their subjects become one record naming every ID
 * (`resource.ids`, in the order given) and every subject once: a batch's accesses as one audit event, not
 * one each. At most MAX_RESOURCE_IDS IDs and MAX_SUBJECT_IDS subjects a record; a record without a
 * resource ID, or alone in its group, stays as it was; the groups keep their order.
 */
export function oneRecordPerBatch(records: readonly ScopedRecord[]): ScopedRecord[] {
  interface Group {
    ids: string[];
    subjects: Set<string>;
  }
  const out: ScopedRecord[] = [];
  const groups: (Group | null)[] = [];
  const open = new Map<string, Group>();
  for (const r of records) {
    const id = r.resource?.id;
    if (!id || r.resource?.ids) {
      out.push(r);
      groups.push(null);
      continue;
    }
    const subjects = r.subjectIds ?? [];
    // Everything but the resource ID and the subjects, whatever order the record's keys were written in.
    const { resource, subjectIds: _, ...rest } = r;
    const key = JSON.stringify([
      resource?.type ?? null,
      Object.entries(rest)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ]);
    let group = open.get(key);
    if (!group || group.ids.length >= MAX_RESOURCE_IDS || group.subjects.size + subjects.length > MAX_SUBJECT_IDS) {
      open.set(key, (group = { ids: [], subjects: new Set() }));
      out.push(r);
      groups.push(group);
    }
    group.ids.push(id);
    for (const s of subjects) group.subjects.add(s);
  }
  return out.map((r, i) => {
    const group = groups[i];
    if (!group || group.ids.length === 1) return r;
    return {
      ...r,
      resource: { ...r.resource, id: null, ids: group.ids },
      ...(r.subjectIds || group.subjects.size ? { subjectIds: [...group.subjects] } : {}),
    };
  });
}

function recordOf(scope: OperationScope, r: ScopedRecord): AccessRecord {
  return {
    ...r,
    action: r.action ?? scope.audit.action,
    resource: resourceOf(r, scope.audit.resourceType),
  };
}

/**
 * Records a refusal durably in its own transaction, then throws it: the caller never hears of a
 * refusal whose audit record could be lost.
 */
async function refuse(
  db: Database,
  audit: AuditOutbox,
  scope: OperationScope,
  target: AccessTarget & { reason: string },
  error: DomainError,
): Promise<never> {
  const { reason, ...rest } = target;
  await db.em().transactional((tx) => audit.record(tx, recordOf(scope, { ...rest, outcome: 'denied', reason })));
  throw error;
}

/**
 * The gate every tenant use case passes to reach data: the operation's permission was checked by
 * the runner; this opens the tenant-scoped transaction (ORM filter and row-level security) with the
 * tenant's cipher, and records accesses in the same transaction.
 */
@Injectable()
export class TenantAccess {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    readonly audit: AuditOutbox,
  ) {}

  async run<T>(scope: OperationScope, fn: (data: TenantScope) => Promise<T>, target: AccessTarget = {}): Promise<T> {
    const tenantId = scope.ctx.tenantId;
    if (!tenantId)
      return refuse(
        this.db,
        this.audit,
        scope,
        { ...target, reason: 'forbidden' },
        new FeatureError(AccessError.TenantRequired, 'only a caller signed in to a tenant may do this'),
      );
    // Keys are loaded before the transaction opens: the embedded database has a single connection,
    // so a key lookup from inside the transaction would wait on itself.
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    return inTenantTransaction(this.db.em(), tenantId, (tx) =>
      fn({
        tx,
        tenantId,
        cipher,
        record: async (...records) => {
          await this.audit.record(tx, ...records.map((r) => recordOf(scope, r)));
        },
      }),
    );
  }

  /**
   * The tenant's transaction on the service's own login, for a change that must also write one of the
   * service's platform tables (an outbox the tenant role has no grant on) in the same commit: row-level
   * security still sees only this tenant (`setRlsTenant`) and the ORM filter is set, but the tenant role's
   * narrower grants (insert-only tables) do not bind, so keep such use cases to inserts there.
   */
  async runSpanning<T>(scope: OperationScope, fn: (data: TenantScope) => Promise<T>): Promise<T> {
    const tenantId = scope.ctx.tenantId;
    if (!tenantId)
      return refuse(
        this.db,
        this.audit,
        scope,
        { reason: 'forbidden' },
        new FeatureError(AccessError.TenantRequired, 'only a caller signed in to a tenant may do this'),
      );
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    return this.db.em().transactional(async (tx) => {
      await setRlsTenant(tx, tenantId);
      tx.setFilterParams(TENANT_FILTER, { tenantId });
      return fn({
        tx,
        tenantId,
        cipher,
        record: async (...records) => {
          await this.audit.record(tx, ...records.map((r) => recordOf(scope, r)));
        },
      });
    });
  }

  /**
   * For one row by id: when `fn` finds nothing, the miss is recorded as denied in the same
   * transaction (it may be another tenant's id, and we never say which) and, after the commit,
   * the caller gets `notFound()` (a NOT_FOUND feature error). Cross-tenant ids are thus a 404 that is audited.
   */
  async runOnOne<T>(
    scope: OperationScope,
    id: string,
    fn: (data: TenantScope) => Promise<T | null>,
    notFound: () => DomainError,
  ): Promise<T> {
    const result = await this.run(
      scope,
      async (data) => {
        const found = await fn(data);
        if (found === null) await data.record({ resource: { id }, outcome: 'denied', reason: 'not_found' });
        return found;
      },
      { resource: { id } },
    );
    if (result === null) throw notFound();
    return result;
  }

  /**
   * For a service's own work on a tenant's data outside any caller's operation (answering a rights
   * request): the tenant's transaction and cipher, each access recorded as the service. Null, and `fn`
   * not run, when the tenant has no keyset (never had data here, or was erased).
   */
  async runAsService<T>(tenantId: string, service: string, fn: (data: TenantScope) => Promise<T>): Promise<T | null> {
    let keys;
    try {
      keys = await this.keyring.keysFor(tenantId, { create: false });
    } catch (err) {
      if (!(err instanceof TenantKeysetDestroyedError)) throw err;
      return null;
    }
    if (!keys) return null;
    const cipher = new FieldCipher(keys);
    return inTenantTransaction(this.db.em(), tenantId, (tx) =>
      fn({
        tx,
        tenantId,
        cipher,
        record: async (...records) => {
          await this.audit.record(
            tx,
            ...records.map((r) => ({
              ...r,
              action: r.action ?? 'read',
              resource: resourceOf(r, 'customer'),
              tenantId,
              actorType: 'service' as const,
              actorId: service,
            })),
          );
        },
      }),
    );
  }

  /** Refuses (audited as denied first, in its own transaction) for a reason the use case found. */
  refuse(scope: OperationScope, target: AccessTarget & { reason: string }, error: DomainError): Promise<never> {
    return refuse(this.db, this.audit, scope, target, error);
  }
}

/**
 * The platform variant, for data that is no tenant's (the audit index, the development inbox): a
 * plain transaction of the service's database, with accesses recorded in it.
 */
@Injectable()
export class PlatformAccess {
  constructor(
    private readonly db: Database,
    readonly audit: AuditOutbox,
  ) {}

  run<T>(scope: OperationScope, fn: (data: PlatformScope) => Promise<T>): Promise<T> {
    return this.db.em().transactional((tx) =>
      fn({
        tx,
        record: async (...records) => {
          await this.audit.record(tx, ...records.map((r) => recordOf(scope, r)));
        },
      }),
    );
  }

  /** Records accesses in a transaction of their own (after reads that need no transaction). */
  async record(scope: OperationScope, ...records: ScopedRecord[]): Promise<void> {
    await this.run(scope, (data) => data.record(...records));
  }

  refuse(scope: OperationScope, target: AccessTarget & { reason: string }, error: DomainError): Promise<never> {
    return refuse(this.db, this.audit, scope, target, error);
  }
}

export interface PlatformScope {
  tx: Em;
  record(...records: ScopedRecord[]): Promise<void>;
}

/** Provides the gates: PlatformAccess always, TenantAccess where the service holds tenant keys. */
@Global()
@Module({})
export class AccessModule {
  static forRoot(options: { tenants: boolean }): DynamicModule {
    const providers = options.tenants ? [TenantAccess, PlatformAccess] : [PlatformAccess];
    return { module: AccessModule, providers, exports: providers };
  }
}
