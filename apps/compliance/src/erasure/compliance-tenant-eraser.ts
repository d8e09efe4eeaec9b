import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type TenantEraser } from '@lekha/erasure';
import { AuditNetworkKeys, scopeOf } from '../audit-index/audit-network-keys.js';

/**
 * Compliance's part of an erasure: the tenant's audit network key is destroyed, so the actors' IPs
 * and user agents sealed to it read as erased everywhere. The audit events themselves stay: they
 * carry IDs only and are kept as the law requires (DPDP rules, r.8(3)).
 */
@Injectable()
export class ComplianceTenantEraser implements TenantEraser {
  readonly service = 'compliance' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keys: AuditNetworkKeys,
  ) {}

  async erase(tenantId: string): Promise<void> {
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      await this.keys.destroy(tx, scopeOf(tenantId));
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'audit_network_key', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
  }
}
