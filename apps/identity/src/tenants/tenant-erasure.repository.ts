import { Injectable } from '@nestjs/common';
import { ErasingServices, type ErasingService, type ReadOnlyTenant, type TenantErasureStatus } from '@lekha/contracts';
import { setRlsTenant, type Em } from '@lekha/persistence';

/** Identity's tables that hold rows of a tenant, children before parents. */
const TENANT_TABLES = [
  'event_outbox',
  'refresh_tokens',
  'sessions',
  'login_events',
  'otp_challenges',
  'password_resets',
  'mfa_challenges',
  'mfa_recovery_codes',
  'mfa_totp',
  'api_keys',
  'api_key_index',
  'invitations',
  'users',
] as const;

/** The erasure state kept on the tenant row and in `tenant_erasures` (one confirmation per service). */
@Injectable()
export class TenantErasureRepository {
  /** Marks the tenant erased and ends every way in: sessions, refresh tokens, API keys, sign-ins. */
  async markRequested(tx: Em, tenantId: string): Promise<{ requestedAt: Date; already: boolean }> {
    const rows = await tx.execute<{ erasure_requested_at: Date | null }[]>(
      `select erasure_requested_at from identity.tenants where id = ? for update`,
      [tenantId],
    );
    if (!rows[0]) return { requestedAt: new Date(), already: true };
    const existing = rows[0].erasure_requested_at;
    if (existing) return { requestedAt: new Date(existing), already: true };
    // Row-level security binds the tenant tables even for the owning role: name the tenant first.
    await setRlsTenant(tx, tenantId);
    const [marked] = await tx.execute<{ erasure_requested_at: Date }[]>(
      `update identity.tenants set status = 'erased', erasure_requested_at = now()
       where id = ? returning erasure_requested_at`,
      [tenantId],
    );
    await tx.execute(
      `update identity.sessions set revoked_at = now(), revoked_reason = 'tenant_erased'
       where tenant_id = ? and revoked_at is null`,
      [tenantId],
    );
    await tx.execute(
      `update identity.refresh_tokens set revoked_at = now() where tenant_id = ? and revoked_at is null`,
      [tenantId],
    );
    await tx.execute(
      `update identity.api_key_index set revoked_at = now() where tenant_id = ? and revoked_at is null`,
      [tenantId],
    );
    await tx.execute(`update identity.users set status = 'erased' where tenant_id = ?`, [tenantId]);
    return { requestedAt: new Date(marked!.erasure_requested_at), already: false };
  }

  /**
   * Deletes every row of the tenant but the tenant's own (kept, nameless, so its ID stays known as
   * erased). Run in an erasure transaction (`app.tenant_id` set, for row-level security).
   */
  async deleteTenantRows(tx: Em, tenantId: string): Promise<void> {
    for (const table of TENANT_TABLES)
      await tx.execute(`delete from identity.${table} where tenant_id = ?`, [tenantId]);
    await tx.execute(`update identity.tenants set name = '', gstin = null where id = ?`, [tenantId]);
  }

  /**
   * Orders to put on the bus: never published (the request committed, then the broker or the
   * process failed), or published before `republishBefore` and still not confirmed by every service.
   */
  async toPublish(em: Em, republishBefore: Date): Promise<{ id: string; erasure_requested_at: Date }[]> {
    return em.execute(
      `select t.id, t.erasure_requested_at from identity.tenants t
       where t.erasure_requested_at is not null
         and (t.erasure_published_at is null
              or (t.erasure_published_at < ?
                  and (select count(*) from identity.tenant_erasures e where e.tenant_id = t.id) < ?))
       order by t.erasure_requested_at limit 100`,
      [republishBefore, ErasingServices.length],
    );
  }

  async markPublished(em: Em, tenantIds: string[]): Promise<void> {
    if (tenantIds.length)
      await em.execute(
        `update identity.tenants set erasure_published_at = now() where id in (${tenantIds.map(() => '?').join(', ')})`,
        tenantIds,
      );
  }

  async confirm(em: Em, tenantId: string, service: ErasingService, confirmedAt: Date): Promise<void> {
    await em.execute(
      `insert into identity.tenant_erasures (tenant_id, service, confirmed_at)
       select ?, ?, ? where exists (select 1 from identity.tenants where id = ? and erasure_requested_at is not null)
       on conflict (tenant_id, service) do nothing`,
      [tenantId, service, confirmedAt, tenantId],
    );
  }

  async status(em: Em, tenantId: string): Promise<TenantErasureStatus | null> {
    const tenant = await em.execute<{ erasure_requested_at: Date | null }[]>(
      `select erasure_requested_at from identity.tenants where id = ?`,
      [tenantId],
    );
    const requestedAt = tenant[0]?.erasure_requested_at;
    if (!requestedAt) return null;
    const rows = await em.execute<{ service: string; confirmed_at: Date }[]>(
      `select service, confirmed_at from identity.tenant_erasures where tenant_id = ?`,
      [tenantId],
    );
    const services = Object.fromEntries(ErasingServices.map((s) => [s, null])) as Record<ErasingService, string | null>;
    for (const r of rows)
      if ((ErasingServices as readonly string[]).includes(r.service))
        services[r.service as ErasingService] = new Date(r.confirmed_at).toISOString();
    return {
      tenantId,
      requestedAt: new Date(requestedAt).toISOString(),
      services,
      complete: Object.values(services).every((v) => v !== null),
    };
  }

  /** Cancels the tenant (read-only from now); false when it is cancelled or erased already. */
  async markCancelled(em: Em, tenantId: string, reason: 'owner' | 'non_payment', at: Date): Promise<boolean> {
    const rows = await em.execute<{ id: string }[]>(
      `update identity.tenants set cancelled_at = ?, cancel_reason = ?, cancel_published_at = null
       where id = ? and cancelled_at is null and erasure_requested_at is null returning id`,
      [at, reason, tenantId],
    );
    return rows.length > 0;
  }

  /** Billing's cancellation, already on the bus: recorded as published. */
  async markCancelledPublished(em: Em, tenantId: string, reason: 'owner' | 'non_payment', at: Date): Promise<void> {
    await em.execute(
      `update identity.tenants set cancelled_at = ?, cancel_reason = ?, cancel_published_at = now()
       where id = ? and cancelled_at is null and erasure_requested_at is null`,
      [at, reason, tenantId],
    );
  }

  async markReactivated(em: Em, tenantId: string): Promise<void> {
    await em.execute(
      `update identity.tenants set cancelled_at = null, cancel_reason = null, cancel_published_at = null
       where id = ? and erasure_requested_at is null`,
      [tenantId],
    );
  }

  /** Cancellations committed but not yet on the bus. */
  async cancellationsToPublish(em: Em): Promise<{ id: string; cancelled_at: Date; cancel_reason: string }[]> {
    return em.execute(
      `select id, cancelled_at, cancel_reason from identity.tenants
       where cancelled_at is not null and cancel_published_at is null and erasure_requested_at is null limit 100`,
    );
  }

  async markCancellationPublished(em: Em, tenantId: string, cancelledAt: Date): Promise<void> {
    await em.execute(`update identity.tenants set cancel_published_at = now() where id = ? and cancelled_at = ?`, [
      tenantId,
      cancelledAt,
    ]);
  }

  /** Sign-ups committed but not yet announced on the bus (`tenant.signed-up`); erased tenants are skipped. */
  async signupsToPublish(em: Em): Promise<{ id: string; created_at: Date }[]> {
    return em.execute(
      `select id, created_at from identity.tenants
       where signup_published_at is null and erasure_requested_at is null order by created_at limit 100`,
    );
  }

  async markSignupsPublished(em: Em, tenantIds: string[]): Promise<void> {
    if (tenantIds.length)
      await em.execute(
        `update identity.tenants set signup_published_at = now()
         where id in (${tenantIds.map(() => '?').join(', ')})`,
        tenantIds,
      );
  }

  /**
   * Billing has restricted the tenant (unpaid past the grace period): read-only until the restriction is
   * lifted. A repeated event keeps the first time.
   */
  async markRestricted(em: Em, tenantId: string, at: Date): Promise<void> {
    await em.execute(
      `update identity.tenants set restricted_at = coalesce(restricted_at, ?)
       where id = ? and erasure_requested_at is null`,
      [at, tenantId],
    );
  }

  /** Billing's restriction is over (paid, or the subscription cancelled: then the cancellation stands). */
  async markRestrictionLifted(em: Em, tenantId: string): Promise<void> {
    await em.execute(`update identity.tenants set restricted_at = null where id = ?`, [tenantId]);
  }

  /**
   * Every tenant cancelled or restricted and not erased, with its standing (cancelled outweighs
   * restricted): the gateways let them read, never write.
   */
  async readOnly(em: Em): Promise<ReadOnlyTenant[]> {
    const rows = await em.execute<{ id: string; cancelled: boolean }[]>(
      `select id, cancelled_at is not null as cancelled from identity.tenants
       where (cancelled_at is not null or restricted_at is not null) and erasure_requested_at is null`,
    );
    return rows.map((r) => ({ tenantId: r.id, reason: r.cancelled ? 'cancelled' : 'restricted' }));
  }

  /** Tenants whose erasure was asked for since `since`: the gateways refuse all their tokens. */
  async erasedSince(em: Em, since: Date): Promise<string[]> {
    const rows = await em.execute<{ id: string }[]>(`select id from identity.tenants where erasure_requested_at >= ?`, [
      since,
    ]);
    return rows.map((r) => r.id);
  }
}
