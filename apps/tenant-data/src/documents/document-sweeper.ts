import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { Database, inTenantTransaction } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { DOCUMENTS_PREFIX, DocumentBlobs } from './document-blobs.js';
import { LocalFolderBlobStore } from './blob-store.js';
import { DocumentsSettings } from './documents.config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Removes, at start and then periodically: uploads abandoned longer than the upload timeout (row
 * and segments), segments whose row is gone (a crash between a deletion's commit and its blob
 * deletion) and temporary files of interrupted writes. Each tenant is swept in its own tenant
 * transaction, so row-level security binds the sweep like any request.
 *
 * A round visits only the tenants with segments in the store, so its cost follows the documents
 * in flight, not the number of tenants; a pending upload that never wrote a segment (a row, no
 * data) is found by a pass over every tenant with a data key, at start and then at the full-sweep
 * interval. One tenant's failure is logged and the round goes on with the others.
 */
@Injectable()
export class DocumentSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastFullSweep = 0;

  constructor(
    private readonly db: Database,
    private readonly blobs: DocumentBlobs,
    private readonly audit: AuditOutbox,
    private readonly settings: DocumentsSettings,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.trigger();
    this.timer = setInterval(() => this.trigger(), this.settings.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private trigger(): void {
    if (this.running) return;
    const everyTenant = Date.now() - this.lastFullSweep >= this.settings.fullSweepIntervalMs;
    this.running = this.sweep(new Date(), { everyTenant })
      .then((r) => {
        if (everyTenant && !r.failed) this.lastFullSweep = Date.now();
        if (r.abandoned || r.orphans) this.logger.pino.info(r, 'document sweep removed leftovers');
      })
      .catch((err: Error) => this.logger.pino.warn({ error: err.message }, 'document sweep failed; will retry'))
      .finally(() => (this.running = null));
  }

  /** One round; `everyTenant: false` visits only the tenants with segments in the store. */
  async sweep(
    now = new Date(),
    { everyTenant = true }: { everyTenant?: boolean } = {},
  ): Promise<{ abandoned: number; orphans: number; failed: number }> {
    const cutoff = new Date(now.getTime() - this.settings.uploadTimeoutMs);
    // Segments per tenant and document, with the newest write of each document.
    const byTenant = new Map<string, Map<string, Date>>();
    for (const entry of await this.blobs.store.list(DOCUMENTS_PREFIX)) {
      const [, tenantId, documentId] = entry.key.split('/');
      if (!tenantId || !documentId || !UUID.test(tenantId) || !UUID.test(documentId)) continue;
      const docs = byTenant.get(tenantId) ?? new Map<string, Date>();
      const seen = docs.get(documentId);
      if (!seen || seen < entry.modifiedAt) docs.set(documentId, entry.modifiedAt);
      byTenant.set(tenantId, docs);
    }
    // Tenants with uploads in progress may have no segment yet: on a full pass, every tenant with a data key.
    const keyed = everyTenant
      ? (
          await this.db.em().execute<{ tenant_id: string }[]>(`select tenant_id from ${this.db.schema}.tenant_keys`)
        ).map((r) => String(r.tenant_id))
      : [];
    let abandoned = 0;
    let orphans = 0;
    let failed = 0;
    for (const tenantId of new Set([...byTenant.keys(), ...keyed])) {
      const docs = byTenant.get(tenantId) ?? new Map<string, Date>();
      try {
        const r = await this.sweepTenant(tenantId, docs, cutoff);
        abandoned += r.abandoned;
        orphans += r.orphans;
      } catch (err) {
        failed++;
        this.logger.pino.warn(
          { tenantId, error: (err as Error).message },
          'document sweep of a tenant failed; will retry',
        );
      }
    }
    if (this.blobs.store instanceof LocalFolderBlobStore) await this.blobs.store.sweepTemporary(cutoff);
    return { abandoned, orphans, failed };
  }

  private async sweepTenant(
    tenantId: string,
    docs: Map<string, Date>,
    cutoff: Date,
  ): Promise<{ abandoned: number; orphans: number }> {
    const { expired, known } = await inTenantTransaction(this.db.em(), tenantId, async (tx) => {
      const gone = await tx.execute<{ id: string; customer_id: string }[]>(
        `delete from ${this.db.schema}.documents where status = 'pending' and updated_at < ? returning id, ` +
          `customer_id`,
        [cutoff],
      );
      if (gone.length) {
        await this.audit.record(
          tx,
          ...gone.map((r) => ({
            action: 'delete' as const,
            resource: { type: 'document', id: String(r.id) },
            subjectIds: [String(r.customer_id)],
            reason: 'upload_abandoned',
            tenantId,
            actorType: 'scheduled_job' as const,
            actorId: null,
          })),
        );
      }
      const ids = [...docs.keys()];
      const rows = ids.length
        ? await tx.execute<{ id: string }[]>(
            `select id from ${this.db.schema}.documents where id in (${ids.map(() => '?').join(', ')})`,
            ids,
          )
        : [];
      return { expired: gone.map((r) => String(r.id)), known: new Set(rows.map((r) => String(r.id))) };
    });
    // Orphans get a grace period: a blob is written only after its row commits, but be safe.
    const orphaned = [...docs].filter(([id, at]) => !known.has(id) && at < cutoff).map(([id]) => id);
    await this.blobs.deleteAll(tenantId, [...expired, ...orphaned]);
    return { abandoned: expired.length, orphans: orphaned.length };
  }
}
