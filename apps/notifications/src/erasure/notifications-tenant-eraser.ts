import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type CustomerDataErasure, type TenantEraser } from '@lekha/erasure';

/** Every table holding a tenant's rows, children before parents. */
const TENANT_TABLES = [
  'dev_inbox',
  'dispatch_queue',
  'provider_refs',
  'receipts_seen',
  'parked_receipts',
  'recipient_routes',
  'message_attempts',
  'messages',
  'idempotency_keys',
  'consents',
  'recipient_flags',
  'templates',
  'settings',
  'reminder_rules',
  'record_event_marks',
  'staff_contacts',
  'message_counts',
] as const;

/**
 * The tenant's messages to its customers and what hangs on them, and its customers' consents and flags:
 * customer data, erased ahead of the account under per-category retention. Templates, settings, reminder
 * rules and staff contacts are account data and wait for the full purge (as does the keyset they need).
 */
const CUSTOMER_DATA_TABLES = [
  'dispatch_queue',
  'provider_refs',
  'receipts_seen',
  'recipient_routes',
  'message_attempts',
  'messages',
  'idempotency_keys',
  'consents',
  'recipient_flags',
  'record_event_marks',
] as const;

/**
 * Notifications' part of an erasure: the tenant's keyset is destroyed first (every copy of its
 * messages and credentials becomes unreadable), then its rows are deleted. Idempotent.
 */
@Injectable()
export class NotificationsTenantEraser implements TenantEraser {
  readonly service = 'notifications' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
  ) {}

  async erase(tenantId: string): Promise<void> {
    await this.keyring.destroy(tenantId);
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      for (const table of TENANT_TABLES)
        await tx.execute(`delete from notifications.${table} where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_keyset', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
  }

  async eraseCustomerData(tenantId: string): Promise<CustomerDataErasure> {
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      for (const table of CUSTOMER_DATA_TABLES)
        await tx.execute(`delete from notifications.${table} where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_customer_data', id: tenantId },
        tenantId,
        reason: 'retention_customer_data',
      });
    });
    return { erased: [...CUSTOMER_DATA_TABLES], retained: [] };
  }
}
