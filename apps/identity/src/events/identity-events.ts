import { setTimeout as sleep } from 'node:timers/promises';
import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IDENTITY_EVENTS_TOPIC, identityEventSchema, uuidv7, type IdentityEvent } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { Database, type Em } from '@lekha/persistence';
import { AppLogger, BusSeal } from '@lekha/runtime';

type Wake = () => void;

/**
 * Identity's domain events, written into its outbox in the transaction of the staff change (so a change
 * never commits without its event, and a rolled-back one leaves none), sealed with the bus key on the
 * way in: a staff member's phone and email are ciphertext in the outbox and on the topic.
 */
@Injectable()
export class IdentityEvents {
  private wake: Wake = () => undefined;

  constructor(@Inject(BusSeal) private readonly seal: BusSeal) {}

  onAppended(wake: Wake): void {
    this.wake = wake;
  }

  async append(tx: Em, event: IdentityEvent): Promise<void> {
    const sealed = this.seal.sealRecord(IDENTITY_EVENTS_TOPIC, identityEventSchema.parse(event));
    await tx.execute(`insert into identity.event_outbox (tenant_id, sealed) values (?, ?)`, [event.tenantId, sealed]);
    queueMicrotask(this.wake);
  }

  /** A staff user the tenant may address (joined, or changed their contact): their phone and email. */
  staffContact(
    tx: Em,
    user: { id: string; tenantId: string },
    contact: { phone: string | null; email: string | null },
  ): Promise<void> {
    return this.append(tx, {
      type: 'staff.contact',
      eventId: uuidv7(),
      tenantId: user.tenantId,
      userId: user.id,
      active: true,
      phone: contact.phone,
      email: contact.email,
      occurredAt: new Date().toISOString(),
    });
  }

  /** A staff user deactivated: a tombstone, so nothing is addressed to them any more. */
  staffRemoved(tx: Em, user: { id: string; tenantId: string }): Promise<void> {
    return this.append(tx, {
      type: 'staff.contact',
      eventId: uuidv7(),
      tenantId: user.tenantId,
      userId: user.id,
      active: false,
      phone: null,
      email: null,
      occurredAt: new Date().toISOString(),
    });
  }
}

/**
 * Publishes the outbox to `identity.events.v1` in insertion order (keyed by tenant), then deletes exactly
 * what it published. A broker outage leaves rows waiting; a crash between publish and delete publishes
 * them again, and the consumer keeps only the newest event per user.
 */
@Injectable()
export class IdentityEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pending = false;

  constructor(
    private readonly db: Database,
    private readonly publisher: KafkaPublisher,
    private readonly logger: AppLogger,
    events: IdentityEvents,
  ) {
    events.onAppended(() => {
      this.pending = true;
      this.wakeUp?.();
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        const sent = await this.drainOnce();
        backoff = 200;
        if (sent === 0 && !this.pending) await this.idle();
      } catch (err) {
        this.logger.pino.warn(
          { error: (err as Error).message, backoffMs: backoff },
          'identity event relay cannot publish yet; events stay in the outbox',
        );
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(), 500);
      this.wakeUp = () => {
        this.wakeUp = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Publishes one batch; answers how many events it published. */
  async drainOnce(): Promise<number> {
    this.pending = false;
    const rows = await this.db
      .em()
      .execute<{ id: string; tenant_id: string; sealed: string }[]>(
        `select id::text as id, tenant_id, sealed from identity.event_outbox order by id limit 200`,
      );
    if (rows.length === 0) return 0;
    await this.publisher.send({
      topic: IDENTITY_EVENTS_TOPIC,
      timeout: 5000,
      messages: rows.map((r) => ({ key: r.tenant_id, value: r.sealed })),
    });
    // Exactly what was sent: a lower id committed after the select waits for the next round.
    await this.db
      .em()
      .execute(`delete from identity.event_outbox where id in (${rows.map(() => '?').join(', ')})`, [
        ...rows.map((r) => r.id),
      ]);
    return rows.length;
  }
}

/** The domain-event outbox and its relay, for every feature module of the service. */
@Global()
@Module({ providers: [IdentityEvents, IdentityEventRelay], exports: [IdentityEvents] })
export class IdentityEventsModule {}
