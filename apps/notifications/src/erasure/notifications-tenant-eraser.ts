import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type TenantEraser } from '@lekha/erasure';

/** Notifications' part of an erasure: the tenant's keyset is destroyed and its delivered messages deleted. */
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
      await tx.execute(`delete from notifications.dev_inbox where tenant_id = ?`, [tenantId]);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_keyset', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
  }
}
