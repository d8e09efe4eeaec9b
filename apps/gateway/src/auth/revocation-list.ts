import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionOps, type ReadOnlyTenant, type TenantStanding } from '@lekha/contracts';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';

const POLL_MS = 2000;
/** Re-ask a little before the last answer: a revocation committed late must not fall between polls. */
const OVERLAP_MS = 60_000;
/** Longer than any access token lives (ACCESS_TOKEN_TTL_SECONDS is at most an hour). */
const RETAIN_MS = 2 * 3600_000;
/** How long a standing this gateway relayed outweighs polls that disagree (identity may apply it later). */
const STANDING_HOLD_MS = 60_000;

/**
 * Sessions revoked (and tenants erased) in identity, so their access tokens stop at once instead of at expiry,
 * and each tenant's standing (restricted or cancelled: read-only), which PermissionGuard checks.
 * Identity's database is the source of truth: this gateway polls it every two seconds (any number
 * of gateways can), and adds what its own requests revoke the moment identity answers them.
 * Until the first poll succeeds no access token is accepted (fail closed).
 */
@Injectable()
export class RevocationList implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly revoked = new Map<string, number>();
  /** Restricted and cancelled tenants (the whole set, replaced on every poll): reads and exports only. */
  private readOnly = new Map<string, ReadOnlyTenant['reason']>();
  /** Cancellations this gateway's own requests changed, kept over the polls until one that began later agrees. */
  private readonly standings = new Map<string, { cancelled: boolean; atMs: number }>();
  private asOfMs: number | null = null;
  private syncing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly bus: BusClient) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sync().catch(() => undefined), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  add(sessionIds: readonly string[] | undefined): void {
    const now = Date.now();
    for (const id of sessionIds ?? []) this.revoked.set(id, now);
  }

  /**
   * A session (or API key) revoked, or its whole tenant erased: IDs are UUIDs, so one set holds both.
   * Throws SERVICE_UNAVAILABLE while the list has never been loaded.
   */
  async isRevoked(sessionId: string, tenantId?: string | null): Promise<boolean> {
    if (this.asOfMs === null) await this.sync();
    return this.revoked.has(sessionId) || (!!tenantId && this.revoked.has(tenantId));
  }

  /** The tenant's standing in identity: cancelled (not purged) or restricted (unpaid) tenants are read-only. */
  async standing(tenantId: string): Promise<TenantStanding> {
    if (this.asOfMs === null) await this.sync();
    return this.readOnly.get(tenantId) ?? 'active';
  }

  /**
   * What this gateway's own request changed (a cancellation, a reactivation), in force at once. A poll
   * answered before identity applied it must not undo it: the change stands until a poll that began
   * after it agrees, or for STANDING_HOLD_MS at most.
   */
  setCancelled(tenantId: string, cancelled: boolean): void {
    this.standings.set(tenantId, { cancelled, atMs: Date.now() });
    this.apply(tenantId, cancelled);
  }

  /**
   * A held reactivation clears the cancellation only: whether billing restricts the tenant too shows in
   * the first poll after identity applied the reactivation (identity lists a tenant that is both as cancelled).
   */
  private apply(tenantId: string, cancelled: boolean): void {
    if (cancelled) this.readOnly.set(tenantId, 'cancelled');
    else if (this.readOnly.get(tenantId) === 'cancelled') this.readOnly.delete(tenantId);
  }

  private sync(): Promise<void> {
    this.syncing ??= runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), async () => {
      try {
        const query = this.asOfMs === null ? {} : { sinceMs: Math.max(0, this.asOfMs - OVERLAP_MS) };
        const startedMs = Date.now();
        const result = await this.bus.invoke(SessionOps.revocations, query, 5000);
        this.add(result.sessionIds);
        this.add(result.tenantIds);
        this.readOnly = new Map(result.readOnlyTenants.map((t) => [t.tenantId, t.reason]));
        for (const [tenantId, standing] of this.standings) {
          const cancelled = this.readOnly.get(tenantId) === 'cancelled';
          const agreed = standing.atMs < startedMs && cancelled === standing.cancelled;
          if (agreed || Date.now() - standing.atMs > STANDING_HOLD_MS) this.standings.delete(tenantId);
          else this.apply(tenantId, standing.cancelled);
        }
        this.asOfMs = result.asOfMs;
        const oldest = Date.now() - RETAIN_MS;
        for (const [id, at] of this.revoked) if (at < oldest) this.revoked.delete(id);
      } finally {
        this.syncing = null;
      }
    });
    return this.syncing;
  }
}
