import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionOps } from '@lekha/contracts';
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
 * Sessions revoked (and tenants erased) in identity, so their access tokens stop at once instead of at expiry.
 * Identity's database is the source of truth: this gateway polls it every two seconds (any number
 * of gateways can), and adds what its own requests revoke the moment identity answers them.
 * Until the first poll succeeds no access token is accepted (fail closed).
 */
@Injectable()
export class RevocationList implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly revoked = new Map<string, number>();
  /** Cancelled tenants (the whole set, replaced on every poll): reads and exports only. */
  private readOnly = new Set<string>();
  /** Standings this gateway's own requests changed, kept over the polls until one that began later agrees. */
  private readonly standings = new Map<string, { readOnly: boolean; atMs: number }>();
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

  /** The tenant is cancelled and not purged: its writes are refused. */
  async isReadOnly(tenantId: string): Promise<boolean> {
    if (this.asOfMs === null) await this.sync();
    return this.readOnly.has(tenantId);
  }

  /**
   * What this gateway's own request changed (a cancellation, a reactivation), in force at once. A poll
   * answered before identity applied it must not undo it: the change stands until a poll that began
   * after it agrees, or for STANDING_HOLD_MS at most.
   */
  setReadOnly(tenantId: string, readOnly: boolean): void {
    this.standings.set(tenantId, { readOnly, atMs: Date.now() });
    this.apply(tenantId, readOnly);
  }

  private apply(tenantId: string, readOnly: boolean): void {
    if (readOnly) this.readOnly.add(tenantId);
    else this.readOnly.delete(tenantId);
  }

  private sync(): Promise<void> {
    this.syncing ??= runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), async () => {
      try {
        const query = this.asOfMs === null ? {} : { sinceMs: Math.max(0, this.asOfMs - OVERLAP_MS) };
        const startedMs = Date.now();
        const result = await this.bus.invoke(SessionOps.revocations, query, 5000);
        this.add(result.sessionIds);
        this.add(result.tenantIds);
        this.readOnly = new Set(result.readOnlyTenantIds);
        for (const [tenantId, standing] of this.standings) {
          const agreed = standing.atMs < startedMs && this.readOnly.has(tenantId) === standing.readOnly;
          if (agreed || Date.now() - standing.atMs > STANDING_HOLD_MS) this.standings.delete(tenantId);
          else this.apply(tenantId, standing.readOnly);
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
