import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { resourceOf, type TenantScope } from '@lekha/access';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database, inTenantTransaction } from '@lekha/persistence';

/**
 * The gate for work the service does on its own (the dispatcher, receipts): one tenant transaction
 * under row-level security with the tenant's cipher, accesses recorded as the service's in it.
 */
@Injectable()
export class ServiceTenantAccess {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    private readonly audit: AuditOutbox,
  ) {}

  async run<T>(tenantId: string, fn: (data: TenantScope) => Promise<T>): Promise<T> {
    // Keys before the transaction: the embedded database has a single connection.
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
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
              action: r.action ?? 'update',
              resource: resourceOf(r, 'notification'),
              tenantId,
              actorType: 'service' as const,
              actorId: 'notifications',
            })),
          );
        },
      }),
    );
  }
}
