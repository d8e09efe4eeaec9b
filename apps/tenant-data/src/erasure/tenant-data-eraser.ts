import { Inject, Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type CustomerDataErasure, type TenantEraser } from '@lekha/erasure';
import { BusSeal } from '@lekha/runtime';
import { BlobStore } from '../documents/blob-store.js';
import { appendReading } from '../documents/document-storage.js';

/** Every tenant table of this service, children before parents. */
const TENANT_TABLES = [
  // Events not yet published are sealed with the bus key, not the tenant's: they go with the tenant.
  'event_outbox',
  'usage_outbox',
  'record_changes',
  'records',
  'record_types',
  'customer_changes',
  'customer_import_chunks',
  'documents',
  'customers',
] as const;

/**
 * Tenant-data's part of an erasure. The keyset goes first — that alone makes every copy of the
 * tenant's ciphertext unreadable, here, in backups and in document blobs — then the rows and the
 * blobs are deleted. Idempotent: a redelivered order finds nothing left.
 */
@Injectable()
export class TenantDataEraser implements TenantEraser {
  readonly service = 'tenant-data' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly blobs: BlobStore,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {}

  async erase(tenantId: string): Promise<void> {
    await this.keyring.destroy(tenantId);
    await this.deleteRows(tenantId, 'tenant_keyset', 'tenant_erasure');
  }

  /**
   * Per-category retention: everything this service holds is the tenant's customer data (customers,
   * business records, documents), so every row and blob goes. The keyset stays until the full purge: while
   * it lives the tenant is only cancelled (read-only, its owner still signed in) and this service must still
   * answer it; copies of the deleted rows in backups stay sealed under it until then (docs/retention.md).
   */
  async eraseCustomerData(tenantId: string): Promise<CustomerDataErasure> {
    await this.deleteRows(tenantId, 'tenant_customer_data', 'retention_customer_data');
    return {
      erased: [...TENANT_TABLES.filter((t) => t !== 'event_outbox' && t !== 'usage_outbox'), 'document_blobs'],
      retained: [],
    };
  }

  private async deleteRows(tenantId: string, resourceType: string, reason: string): Promise<void> {
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      for (const table of TENANT_TABLES)
        await tx.execute(`delete from tenant_data.${table} where tenant_id = ?`, [tenantId]);
      // The tenant stays (cancelled) after its customer data goes: billing's storage reading follows, to 0.
      if (resourceType === 'tenant_customer_data') await appendReading(this.seal, tx, tenantId, 0);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: resourceType, id: tenantId },
        tenantId,
        reason,
      });
    });
    // Blob keys are documents/<tenant>/<document>/<segment>: everything under the tenant goes.
    for (const blob of await this.blobs.list(`documents/${tenantId}`)) await this.blobs.delete(blob.key);
  }
}
