import { Injectable } from '@nestjs/common';
import { RetentionFloors } from '@lekha/contracts';
import { AuditOutbox } from '@lekha/audit';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type CustomerDataErasure, type TenantEraser } from '@lekha/erasure';

const GST_FLOOR_REASON = RetentionFloors.find((f) => f.category === 'gst_records')!.reason;

/** The tenant's ledger and customer-invoice tables, children before parents. */
const LEDGER_TABLES = [
  'customer_payments',
  'customer_invoices',
  'record_postings',
  'ledger_lines',
  'ledger_entries',
  'ledger_accounts',
  'customer_invoice_series',
  'invoice_settings',
] as const;

/**
 * Billing's part of a tenant erasure. The tenant's keyset is destroyed first (crypto-shredding: every
 * account name, description and UPI reference, in any copy or backup, becomes unreadable at once), then
 * its ledger rows are deleted through the one path the append-only trigger allows: this transaction
 * names the tenant in `lekha.ledger_erasure` and runs as the service's own login (the tenant role has no
 * DELETE grant, so no tenant transaction can take this path). Idempotent.
 */
@Injectable()
export class BillingTenantEraser implements TenantEraser {
  readonly service = 'billing' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
  ) {}

  async erase(tenantId: string): Promise<void> {
    await this.keyring.destroy(tenantId);
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      await tx.execute(`select set_config('lekha.ledger_erasure', ?, true)`, [tenantId]);
      for (const table of LEDGER_TABLES)
        await tx.execute(`delete from billing.${table} where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_keyset', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
  }

  /**
   * Per-category retention: the tenant's ledgers and customer invoices are its accounts and tax invoices,
   * which the law keeps (CGST Act s.36): nothing is erased here ahead of the full purge, and the reason is
   * recorded with the confirmation. The keyset goes with the account at the full purge.
   */
  async eraseCustomerData(tenantId: string): Promise<CustomerDataErasure> {
    await inErasureTransaction(this.db, tenantId, (tx) =>
      this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_customer_data', id: tenantId },
        tenantId,
        outcome: 'denied',
        reason: 'legal_floor:gst_records',
      }),
    );
    return { erased: [], retained: [{ category: 'gst_records', reason: GST_FLOOR_REASON }] };
  }
}
