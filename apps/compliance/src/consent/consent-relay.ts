import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { TenantScope } from '@lekha/access';
import { uuidv7, type ConsentAppliedEvent, type ConsentChangedEvent, type ConsentGrant } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import { Database, inTenantTransaction, OutboxRelay } from '@lekha/persistence';
import { AppLogger, ConsentEvents } from '@lekha/runtime';
import { ConsentClock } from './consent-clock.js';
import { addressCategory, statusOf } from './consent-view.js';
import { ConsentRepository, type ConsentRecordRow } from './consent.repository.js';

/** How often the relay looks for due acts, and how long it waits for a confirmation before sending again. */
export class ConsentRelayOptions {
  constructor(
    readonly enabled: boolean,
    readonly intervalMs: number,
    readonly republishMs: number,
  ) {}
}

interface DueAct {
  seq: string | number;
  act_id: string;
  service: string;
  tenant_id: string;
  /** Set for an erasure act only: what it tells the views, kept because the records lost their address. */
  address_enc: Buffer | null;
  grants: ConsentGrant | null;
  changed_at: Date | string | null;
}

/** The principal's state for a grant: any active record of a purpose granting it, and when the last one lapses. */
export function grantState(rows: ConsentRecordRow[], now: Date): { granted: boolean; expiresAt: string | null } {
  const active = rows.filter((r) => statusOf(r, now) === 'active');
  if (!active.length) return { granted: false, expiresAt: null };
  if (active.some((r) => r.expires_at === null)) return { granted: true, expiresAt: null };
  const last = Math.max(...active.map((r) => new Date(r.expires_at!).getTime()));
  return { granted: true, expiresAt: new Date(last).toISOString() };
}

/**
 * Publishes consent acts from the outbox (written in the act's own transaction) to
 * `privacy.consents.v1`, and again every `republishMs` until the service confirms it applied the
 * act: a crash or a service that is down loses nothing. Each event carries the principal's whole
 * state for the grant as it stands when sent, so a late or repeated event never undoes a newer one.
 */
@Injectable()
export class ConsentRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    private readonly audit: AuditOutbox,
    private readonly events: ConsentEvents,
    private readonly consents: ConsentRepository,
    private readonly clock: ConsentClock,
    private readonly options: ConsentRelayOptions,
    logger: AppLogger,
  ) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: () => this.runOnce(),
      failed: 'consent relay round failed; will retry',
      idleMs: options.intervalMs,
      drain: false,
    });
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  /** A new act was committed: send it now rather than at the next tick. */
  nudge(): void {
    this.relay.wake();
  }

  /** One round: publishes every due act; answers how many. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .em()
      .execute<DueAct[]>(
        `select seq, act_id, service, tenant_id, address_enc, grants, changed_at from compliance.consent_outbox ` +
          `where next_send_at <= ? ` +
          `order by seq limit 200`,
        [now],
      );
    if (!due.length) return 0;
    const byTenant = new Map<string, DueAct[]>();
    for (const d of due) byTenant.set(d.tenant_id, [...(byTenant.get(d.tenant_id) ?? []), d]);
    const events: ConsentChangedEvent[] = [];
    const dropped: DueAct[] = [];
    for (const [tenantId, acts] of byTenant) {
      let keys;
      try {
        keys = await this.keyring.keysFor(tenantId, { create: false });
      } catch (err) {
        if (!(err instanceof TenantKeysetDestroyedError)) throw err;
        keys = null;
      }
      // The tenant was erased: nothing of it is left to propagate.
      if (!keys) {
        dropped.push(...acts);
        continue;
      }
      const cipher = new FieldCipher(keys);
      await inTenantTransaction(this.db.em(), tenantId, async (tx) => {
        const data: TenantScope = { tx, tenantId, cipher, record: async () => undefined };
        for (const act of acts) {
          if (act.address_enc) {
            events.push(await this.erasureEvent(data, act));
            continue;
          }
          const row = await this.consents.findByAct(data, act.act_id);
          // Gone, or its principal erased: the erasure act queued in that transaction superseded this one.
          if (!row?.address_enc || !row.principal_idx) {
            dropped.push(act);
            continue;
          }
          const rows = await this.consents.list(data, { principalIdx: row.principal_idx, grants: row.grants });
          const address = cipher.decrypt('consent.address', row.address_enc)!;
          await this.audit.record(tx, {
            action: 'read',
            resource: { type: 'consent', id: row.id },
            tenantId,
            actorType: 'service',
            actorId: 'compliance',
            reason: `propagate_to_${act.service}`,
            fields: [{ name: 'principal', category: addressCategory(address) }],
          });
          events.push({
            type: 'consent.changed',
            eventId: uuidv7(),
            tenantId,
            actId: act.act_id,
            seq: Number(act.seq),
            grant: row.grants as ConsentGrant,
            addressSealed: this.events.sealAddress(tenantId, act.act_id, address),
            state: grantState(rows, now),
            changedAt: new Date(act.act_id === row.id ? row.given_at : row.withdrawn_at!).toISOString(),
          });
        }
      });
    }
    await this.events.publish(...events);
    const sent = due.filter((d) => !dropped.includes(d));
    const next = new Date(now.getTime() + this.options.republishMs);
    const em = this.db.em();
    if (sent.length)
      await em.execute(
        `update compliance.consent_outbox set next_send_at = ?, sends = sends + 1 where seq in (${sent
          .map(() => '?')
          .join(', ')})`,
        [next, ...sent.map((d) => d.seq)],
      );
    if (dropped.length)
      await em.execute(
        `delete from compliance.consent_outbox where seq in (${dropped.map(() => '?').join(', ')})`,
        dropped.map((d) => d.seq),
      );
    return due.length;
  }

  /**
   * The principal was erased: the views hold no consent of theirs for the grant any more (a send needing
   * it is refused as after a withdrawal). The address comes from the outbox row, as the records lost it.
   */
  private async erasureEvent(data: TenantScope, act: DueAct): Promise<ConsentChangedEvent> {
    const address = data.cipher.decrypt('consent.address', act.address_enc)!;
    await this.audit.record(data.tx, {
      action: 'read',
      resource: { type: 'consent', id: null },
      tenantId: data.tenantId,
      actorType: 'service',
      actorId: 'compliance',
      reason: `propagate_erasure_to_${act.service}`,
      fields: [{ name: 'principal', category: addressCategory(address) }],
    });
    return {
      type: 'consent.changed',
      eventId: uuidv7(),
      tenantId: data.tenantId,
      actId: act.act_id,
      seq: Number(act.seq),
      grant: act.grants!,
      addressSealed: this.events.sealAddress(data.tenantId, act.act_id, address),
      state: { granted: false, expiresAt: null },
      changedAt: new Date(act.changed_at!).toISOString(),
    };
  }

  /** A service confirmed an act: the consent view shows it, and the relay stops sending it. */
  async applied(event: ConsentAppliedEvent): Promise<void> {
    await inTenantTransaction(this.db.em(), event.tenantId, async (tx) => {
      const data = { tx, tenantId: event.tenantId } as TenantScope;
      await this.consents.markApplied(data, event.actId, event.service, new Date(event.appliedAt));
    });
    await this.db
      .em()
      .execute(`delete from compliance.consent_outbox where act_id = ? and service = ?`, [event.actId, event.service]);
  }
}
