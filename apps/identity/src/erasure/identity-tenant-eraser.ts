import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { PlatformEvent } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { inErasureTransaction, type PlatformEventObserver, type TenantEraser } from '@lekha/erasure';
import { TenantErasureRepository } from '../tenants/tenant-erasure.repository.js';

/**
 * Identity's part of an erasure: every user, session, token, second factor, API key, invitation
 * and login record of the tenant is deleted, then its keyset is destroyed (a tombstone stays, so
 * no new keyset is ever made for it). Idempotent: a redelivered order finds nothing left to do.
 */
@Injectable()
export class IdentityTenantEraser implements TenantEraser, PlatformEventObserver {
  readonly service = 'identity' as const;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly erasures: TenantErasureRepository,
  ) {}

  async erase(tenantId: string): Promise<void> {
    await inErasureTransaction(this.db, tenantId, async (tx) => {
      await this.erasures.deleteTenantRows(tx, tenantId);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'tenant_keyset', id: tenantId },
        tenantId,
        reason: 'tenant_erasure',
      });
    });
    await this.keyring.destroy(tenantId);
  }

  /**
   * Records each service's confirmation (identity's own included) for the erasure status, and the
   * tenant's standing: cancelled, reactivated, restricted by billing and lifted.
   */
  async observe(event: PlatformEvent): Promise<void> {
    // A purge ordered by compliance's retention schedule ends every way in, as the owner's erasure does.
    if (event.type === 'tenant.erasure.requested')
      await this.db.em().transactional((tx) => this.erasures.markRequested(tx, event.tenantId));
    // The tenant's standing, the one the gateways refuse writes from. Billing's cancellations (on
    // non-payment, or the owner's through the subscription) are recorded; identity's own is there already.
    if (event.type === 'tenant.cancelled')
      await this.erasures.markCancelledPublished(
        this.db.em(),
        event.tenantId,
        event.reason,
        new Date(event.cancelledAt),
      );
    if (event.type === 'tenant.reactivated') await this.erasures.markReactivated(this.db.em(), event.tenantId);
    if (event.type === 'tenant.restricted')
      await this.erasures.markRestricted(this.db.em(), event.tenantId, new Date(event.restrictedAt));
    if (event.type === 'tenant.restriction.lifted')
      await this.erasures.markRestrictionLifted(this.db.em(), event.tenantId);
    if (event.type === 'tenant.erasure.confirmed')
      await this.erasures.confirm(this.db.em(), event.tenantId, event.service, new Date(event.confirmedAt));
  }
}
