import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IDENTITY_EVENTS_TOPIC, identityEventSchema, uuidv7, type IdentityEvent } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { afterCommit, Database, type Em, OutboxRelay } from '@lekha/persistence';
import { AppLogger, BusSeal, sealedOutboxRound } from '@lekha/runtime';

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
    afterCommit(tx, this.wake);
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
  private readonly relay: OutboxRelay;

  constructor(db: Database, publisher: KafkaPublisher, logger: AppLogger, events: IdentityEvents) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: sealedOutboxRound({ db, publisher, table: 'identity.event_outbox', topic: IDENTITY_EVENTS_TOPIC }),
      failed: 'identity event relay cannot publish yet; events stay in the outbox',
      backoff: { fromMs: 200, maxMs: 5000 },
    });
    events.onAppended(() => this.relay.wake());
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}

/** The domain-event outbox and its relay, for every feature module of the service. */
@Global()
@Module({ providers: [IdentityEvents, IdentityEventRelay], exports: [IdentityEvents] })
export class IdentityEventsModule {}
