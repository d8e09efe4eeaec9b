import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditOutbox } from '@lekha/audit';
import { FieldCipher, TenantKeyring, currentVersion, keyVersionOf } from '@lekha/crypto';
import { Database, inTenantTransaction, type Em } from '@lekha/persistence';
import { AppLogger, InjectConfig } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { TenantDataConfig } from '../config/tenant-data.config.js';

/**
 * Encrypted columns of one table: column name → the label its ciphertext is bound to (the field
 * name FieldCipher was given). `subject` names the column holding the data principal's id.
 */
export interface ColumnTarget {
  table: string;
  /** The column naming the data principal, when rows belong to one. */
  subject: string | null;
  columns: Record<string, string>;
  /** The row's key (default `id`); pages walk it in order. */
  key?: string[];
}

/** Anything else encrypted under the tenant's data key (e.g. document blobs) re-encrypts itself. */
export interface CustomTarget {
  name: string;
  /** Re-encrypts what is older than the cipher's current version; returns how many values it moved. */
  reencrypt(tenantId: string, cipher: FieldCipher): Promise<{ moved: number; subjectIds: string[] }>;
  /** How many values still use a version older than `current`. */
  stale(tenantId: string, cipher: FieldCipher): Promise<number>;
}

const PAGE = 200;
/** Audit events carry at most 1000 subjects; larger passes record several. */
const SUBJECTS_PER_EVENT = 1000;

/**
 * Moves a tenant's ciphertext to its current data-key version after a rotation, then retires the
 * versions nothing uses any more. Runs after a rotation activates and on a timer (so a crash in
 * the middle only delays it). Each page is one tenant transaction that locks its rows, so a
 * concurrent edit is never overwritten with an older value.
 */
@Injectable()
export class Reencryptor implements OnModuleInit, OnModuleDestroy {
  private readonly columnTargets: ColumnTarget[] = [];
  private readonly customTargets: CustomTarget[] = [];
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Passes waiting for a rotation to activate, and passes running now. */
  private readonly scheduled = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Tenants last found with a single key version, by their wrapped keyset as it was then. */
  private readonly singleVersion = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    private readonly audit: AuditOutbox,
    @InjectConfig() private readonly config: TenantDataConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
  }

  registerColumns(target: ColumnTarget): void {
    this.columnTargets.push(target);
  }

  register(target: CustomTarget): void {
    this.customTargets.push(target);
  }

  onModuleInit(): void {
    const every = this.config.KEY_REENCRYPT_INTERVAL_MS;
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  /** Stops the timers and waits out a pass in flight, so none touches the database after it closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.scheduled) clearTimeout(t);
    this.scheduled.clear();
    await Promise.allSettled([...this.inFlight, this.running]);
  }

  /** Runs a pass for `tenantId` once its newest version is active. */
  schedule(tenantId: string, activeFrom: Date): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.scheduled.delete(t);
        void this.passQuietly(tenantId);
      },
      Math.max(0, activeFrom.getTime() - Date.now()) + 50,
    );
    t.unref();
    this.scheduled.add(t);
  }

  /**
   * Every tenant whose keyset has more than one version. An erased tenant (its keyset destroyed) is not
   * visited, one tenant's failure does not end the sweep, and a keyset whose stored (wrapped) bytes are
   * the same as when it was last found with a single version is not unwrapped again: a rotation rewrites
   * them. So a sweep reads one row per tenant and unwraps only what changed.
   */
  sweep(): Promise<void> {
    this.running ??= (async () => {
      try {
        const rows = await this.db
          .em()
          .execute<{ tenant_id: string; wrapped: Uint8Array | string }[]>(
            `select tenant_id, wrapped from "${this.db.schema}".tenant_keys where destroyed_at is null`,
          );
        for (const { tenant_id, wrapped } of rows) {
          if (this.stopped) return;
          const seen = Buffer.from(wrapped).toString('base64');
          if (this.singleVersion.get(tenant_id) === seen) continue;
          try {
            this.keyring.forget(tenant_id);
            const keys = await this.keyring.keysFor(tenant_id, { create: false });
            if (!keys) continue;
            if (keys.versions.length > 1) {
              this.singleVersion.delete(tenant_id);
              await this.passQuietly(tenant_id);
            } else this.singleVersion.set(tenant_id, seen);
          } catch (err) {
            this.logger.warn(
              { tenantId: tenant_id, error: (err as Error).message },
              're-encryption sweep of a tenant failed; next sweep retries',
            );
          }
        }
      } catch (err) {
        this.logger.warn({ error: (err as Error).message }, 're-encryption sweep failed; next sweep retries');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private passQuietly(tenantId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = this.pass(tenantId).then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn({ tenantId, error: (err as Error).message }, 're-encryption pass failed; next sweep retries');
      },
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Re-encrypts what is stale and retires old versions when nothing uses them. */
  async pass(tenantId: string): Promise<{ moved: number; retired: number[] }> {
    this.keyring.forget(tenantId);
    const keys = await this.keyring.keysFor(tenantId);
    const current = currentVersion(keys);
    if (keys.versions.length === 1 || keys.versions[keys.versions.length - 1]!.version !== current.version)
      return { moved: 0, retired: [] };
    const cipher = new FieldCipher(keys);
    const ctx = anonymousContext({
      tenantId,
      actorType: 'scheduled_job',
      actorId: 'key-rotation',
      purpose: 'security',
    });
    return runWithContext(ctx, async () => {
      let moved = 0;
      for (const target of this.columnTargets) moved += await this.moveColumns(tenantId, cipher, target);
      for (const target of this.customTargets) {
        const r = await target.reencrypt(tenantId, cipher);
        moved += r.moved;
        if (r.subjectIds.length) await this.recordPass(tenantId, current.version, target.name, r.subjectIds);
      }
      const stale = await this.staleCount(tenantId, cipher);
      const retired = stale === 0 ? await this.keyring.retire(tenantId, current.version) : [];
      if (moved || retired.length)
        this.logger.info({ tenantId, moved, retired, version: current.version }, 'tenant data re-encrypted');
      return { moved, retired };
    });
  }

  /** Values under a version older than the cipher's current one, across every target. */
  async staleCount(tenantId: string, cipher: FieldCipher): Promise<number> {
    let stale = 0;
    const current = cipher.currentVersion;
    for (const target of this.columnTargets) {
      await this.pages(tenantId, target, async (_tx, rows) => {
        for (const row of rows)
          for (const col of Object.keys(target.columns))
            if (row[col] && keyVersionOf(row[col] as Uint8Array) < current) stale++;
      });
    }
    for (const target of this.customTargets) stale += await target.stale(tenantId, cipher);
    return stale;
  }

  private async moveColumns(tenantId: string, cipher: FieldCipher, target: ColumnTarget): Promise<number> {
    const current = cipher.currentVersion;
    let moved = 0;
    await this.pages(
      tenantId,
      target,
      async (tx, rows) => {
        const subjects = new Set<string>();
        for (const row of rows) {
          const sets: string[] = [];
          const params: unknown[] = [];
          for (const [col, label] of Object.entries(target.columns)) {
            const value = row[col] as Uint8Array | null;
            if (!value || keyVersionOf(value) >= current) continue;
            sets.push(`${col} = ?`);
            params.push(cipher.reencrypt(label, value));
          }
          if (!sets.length) continue;
          const key = target.key ?? ['id'];
          await tx.execute(
            `update ${this.qualified(target.table)} set ${sets.join(', ')} where ` +
              `${key.map((k) => `${k} = ?`).join(' and ')}`,
            [...params, ...key.map((k) => row[k])],
          );
          moved += sets.length;
          if (target.subject && row[target.subject]) subjects.add(String(row[target.subject]));
        }
        if (subjects.size) await this.recordInTx(tx, current, target.table, [...subjects]);
      },
      true,
    );
    return moved;
  }

  /** Pages through a tenant's rows of a table in id order, each page in its own tenant transaction. */
  private async pages(
    tenantId: string,
    target: ColumnTarget,
    fn: (tx: Em, rows: Record<string, unknown>[]) => Promise<void>,
    lock = false,
  ): Promise<void> {
    const key = target.key ?? ['id'];
    const cols = [
      ...new Set([...key, ...(target.subject ? [target.subject] : []), ...Object.keys(target.columns)]),
    ].join(', ');
    let after: unknown[] | null = null;
    for (;;) {
      const from: unknown[] | null = after;
      const rows: Record<string, unknown>[] = await inTenantTransaction(
        this.db.em(),
        tenantId,
        async (tx): Promise<Record<string, unknown>[]> => {
          const page: Record<string, unknown>[] = await tx.execute<Record<string, unknown>[]>(
            `select ${cols} from ${this.qualified(target.table)} where tenant_id = ` +
              `?${from ? ` and (${key.join(', ')}) > (${key.map(() => '?').join(', ')})` : ''}` +
              ` order by ${key.join(', ')} limit ${PAGE}${lock ? ' for update' : ''}`,
            [tenantId, ...(from ?? [])],
          );
          await fn(tx, page);
          return page;
        },
      );
      if (rows.length < PAGE) return;
      const last: Record<string, unknown> = rows[rows.length - 1]!;
      after = key.map((k): unknown => last[k]);
    }
  }

  private qualified(table: string): string {
    return `"${this.db.schema}"."${table}"`;
  }

  private async recordInTx(tx: Em, version: number, what: string, subjectIds: string[]): Promise<void> {
    for (let i = 0; i < subjectIds.length; i += SUBJECTS_PER_EVENT) {
      await this.audit.record(tx, {
        action: 'update',
        resource: { type: 'tenant_key', id: `v${version}:${what}` },
        subjectIds: subjectIds.slice(i, i + SUBJECTS_PER_EVENT),
        reason: 'key_rotation',
      });
    }
  }

  private async recordPass(tenantId: string, version: number, what: string, subjectIds: string[]): Promise<void> {
    await inTenantTransaction(this.db.em(), tenantId, (tx) => this.recordInTx(tx, version, what, subjectIds));
  }
}
