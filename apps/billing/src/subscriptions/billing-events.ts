import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  BILLING_ENTITLEMENTS_TOPIC,
  DOMAIN_EVENTS_TOPIC,
  entitlementSnapshotSchema,
  platformEventSchema,
  type EntitlementSnapshot,
  type PlatformEvent,
} from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import { KafkaPublisher } from '@lekha/kafka';
import { afterCommit, Database, type Em, OutboxRelay } from '@lekha/persistence';
import { AppLogger, BusSeal } from '@lekha/runtime';

/**
 * Billing's outbox: entitlement snapshots (sealed with the bus key) and platform events (IDs and times
 * only; sealed by PlatformEvents on the way out), written in the transaction of the change, so a
 * subscription never changes without its snapshot and a rolled-back change publishes nothing.
 */
@Injectable()
export class BillingEvents {
  private wake: () => void = () => undefined;

  constructor(@Inject(BusSeal) private readonly seal: BusSeal) {}

  onAppended(wake: () => void): void {
    this.wake = wake;
  }

  async snapshot(tx: Em, snapshot: EntitlementSnapshot): Promise<void> {
    const sealed = this.seal.sealRecord(BILLING_ENTITLEMENTS_TOPIC, entitlementSnapshotSchema.parse(snapshot));
    await this.append(tx, snapshot.tenantId, BILLING_ENTITLEMENTS_TOPIC, sealed);
  }

  async platformEvent(tx: Em, event: PlatformEvent): Promise<void> {
    await this.append(tx, event.tenantId, DOMAIN_EVENTS_TOPIC, JSON.stringify(platformEventSchema.parse(event)));
  }

  private async append(tx: Em, tenantId: string, topic: string, value: string): Promise<void> {
    await tx.execute(`insert into billing.event_outbox (tenant_id, topic, value) values (?, ?, ?)`, [
      tenantId,
      topic,
      value,
    ]);
    afterCommit(tx, this.wake);
  }
}

/**
 * Publishes the outbox in insertion order (keyed by tenant), then deletes exactly what it published.
 * A broker outage leaves rows waiting; a crash between publish and delete publishes them again, which
 * readers tolerate (a snapshot carries its version; tenant.cancelled its event ID).
 */
@Injectable()
export class BillingEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    private readonly db: Database,
    private readonly publisher: KafkaPublisher,
    private readonly platformEvents: PlatformEvents,
    logger: AppLogger,
    events: BillingEvents,
  ) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: () => this.drainOnce(),
      failed: 'billing event relay cannot publish yet; events stay in the outbox',
      backoff: { fromMs: 200, maxMs: 5000, wakeable: true },
      stopWaitMs: 1000,
    });
    events.onAppended(() => this.relay.wake());
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /**
   * Stops at once: a backoff or idle wait is cut short, and a publish in flight is not waited out
   * beyond a second (what it did not delete is published again on the next start).
   */
  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  /**
   * Waits (at most `timeoutMs`) until what is in the outbox now has been published, so a caller's
   * next request already meets the new entitlements. Returns at once while the broker is unreachable.
   */
  async flushed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const [row] = await this.db
      .em()
      .execute<{ max: string | null }[]>(`select max(id)::text as max from billing.event_outbox`);
    if (!row?.max) return;
    const max = row.max;
    while (this.relay.healthy && Date.now() < deadline) {
      const [left] = await this.db
        .em()
        .execute<{ n: string }[]>(`select count(*)::text as n from billing.event_outbox where id <= ?`, [max]);
      if (Number(left?.n ?? 0) === 0) return;
      this.relay.wake();
      await sleep(20);
    }
  }

  /** Publishes one batch; answers how many records it published. */
  async drainOnce(): Promise<number> {
    const rows = await this.db
      .em()
      .execute<{ id: string; tenant_id: string; topic: string; value: string }[]>(
        `select id::text as id, tenant_id, topic, value from billing.event_outbox order by id limit 200`,
      );
    if (rows.length === 0) return 0;
    const snapshots = rows.filter((r) => r.topic === BILLING_ENTITLEMENTS_TOPIC);
    if (snapshots.length)
      await this.publisher.send({
        topic: BILLING_ENTITLEMENTS_TOPIC,
        timeout: 5000,
        messages: snapshots.map((r) => ({ key: r.tenant_id, value: r.value })),
      });
    const events = rows.filter((r) => r.topic === DOMAIN_EVENTS_TOPIC);
    if (events.length)
      await this.platformEvents.publish(...events.map((r) => platformEventSchema.parse(JSON.parse(r.value))));
    await this.db
      .em()
      .execute(`delete from billing.event_outbox where id in (${rows.map(() => '?').join(', ')})`, [
        ...rows.map((r) => r.id),
      ]);
    return rows.length;
  }
}
