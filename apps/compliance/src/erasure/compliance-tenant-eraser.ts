import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type CustomerDataErasure, type TenantEraser } from '@lekha/erasure';
import { AuditNetworkKeys, scopeOf } from '../audit-index/audit-network-keys.js';

/**
 * The tenant's consent rows (children before parents), its principals' public-route verifications and the
 * corrections they asked for, and its support requests.
 */
const CONSENT_TABLES = [
  'rights_verifications',
  'rights_read_tokens',
  'rights_read_misses',
  'rights_corrections',
  'consent_outbox',
  'consent_applied',
  'consent_withdrawals',
  'consent_records',
  'consent_purposes',
  // Support requests and grants: what support did under them stays in the audit trail (IDs only).
  'support_requests',
];

/**
 * Compliance's part of an erasure: the tenant's audit network key is destroyed, so the actors' IPs
 * and user agents sealed to it read as erased everywhere; its consent keyset is destroyed and its
 * consent rows, public-route verifications, corrections and support requests deleted. The audit events
 * themselves stay: they carry IDs only and are kept as the law requires (DPDP rules, r.8(3)).
 */
@Injectable()
export class ComplianceTenantEraser implements TenantEraser {
  readonly service = 'compliance' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keys: AuditNetworkKeys,
    private readonly keyring: TenantKeyring,
  ) {}

  async erase(tenantId: string): Promise<void> {
    // Consent records' addresses and evidence are encrypted under the tenant's keyset: destroyed first.
    await this.keyring.destroy(tenantId);
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      await this.keys.destroy(tx, scopeOf(tenantId));
      for (const table of CONSENT_TABLES)
        await tx.execute(`delete from compliance.${table} where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'audit_network_key', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
  }

  /** The customers' consent records are customer data; support requests and the audit network key wait. */
  async eraseCustomerData(tenantId: string): Promise<CustomerDataErasure> {
    const tables = CONSENT_TABLES.filter((t) => t !== 'support_requests');
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      for (const table of tables) await tx.execute(`delete from compliance.${table} where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_customer_data', id: tenantId },
        tenantId,
        reason: 'retention_customer_data',
      });
    });
    return { erased: tables, retained: [] };
  }
}
