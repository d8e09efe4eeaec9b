import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type CustomerErasedEvent } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import { PlatformEvents } from '@lekha/erasure';
import { Database, setRlsTenant } from '@lekha/persistence';
import { LedgerFields } from '../ledgers/ledger-journal.js';
import { pseudonymiseRows } from './customer-invoice.repository.js';

/** Why the entries and invoices are kept: recorded on each invoice and in the audit record. */
export const RETENTION_REASON =
  'customer erased; record kept under a pseudonym: GST records are kept 72 months (CGST Act s.36, Rule 56)';

/**
 * A customer's erasure in billing. Their ledger entries and invoices are kept — a legal minimum (GST
 * records, 72 months) — but no longer name them: their accounts get a fresh random pseudonym in place of
 * the customer id (no mapping is kept), a placeholder name, and lose the `AR-<customer id>` code; their
 * invoices lose the sealed name, phone and address and record when and why. Entries are not touched:
 * the hash chain covers amounts, accounts, dates and the stored ciphertexts, never the customer's
 * details, so it still verifies. Confirmed on `platform.events.v1` (`customer.erasure.confirmed`,
 * `deleted` counting the rows pseudonymised). Repeatable: a redelivered order changes nothing more.
 */
@Injectable()
export class CustomerPseudonymiser {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    private readonly audit: AuditOutbox,
    private readonly events: PlatformEvents,
  ) {}

  async erase(event: CustomerErasedEvent): Promise<number> {
    const changed = await this.pseudonymise(event);
    await this.events.publish({
      type: 'customer.erasure.confirmed',
      eventId: uuidv7(),
      tenantId: event.tenantId,
      customerId: event.customerId,
      service: 'billing',
      deleted: changed,
      confirmedAt: new Date().toISOString(),
    });
    return changed;
  }

  /** The pseudonymisation alone, in one transaction with its audit record: the rows changed. */
  async pseudonymise(event: CustomerErasedEvent): Promise<number> {
    let changed = 0;
    try {
      // No keyset here: billing never wrote anything of this tenant, so nothing of the customer either.
      const keys = await this.keyring.keysFor(event.tenantId, { create: false });
      if (!keys) return 0;
      const cipher = new FieldCipher(keys);
      const pseudonym = uuidv7();
      changed = await this.db.em().transactional(async (tx) => {
        await setRlsTenant(tx, event.tenantId);
        const n = await pseudonymiseRows(tx, event.tenantId, event.customerId, {
          pseudonym,
          reason: RETENTION_REASON,
          accountNameEnc: () => cipher.encrypt(LedgerFields.accountName, 'Receivable: erased customer')!,
        });
        await this.audit.record(tx, {
          action: 'update',
          resource: { type: 'ledger_customer', id: null },
          tenantId: event.tenantId,
          actorType: 'service',
          actorId: 'billing',
          subjectIds: [event.customerId],
          reason: `customer_erasure:pseudonymised:${n.accounts}:${n.invoices}`,
        });
        return n.accounts + n.invoices;
      });
    } catch (err) {
      // The whole tenant is gone already: nothing of the customer is left here.
      if (!(err instanceof TenantKeysetDestroyedError)) throw err;
    }
    return changed;
  }
}
