import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { BILLING_USAGE_TOPIC, usageEventSchema, uuidv7 } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { afterCommit, Database, type Em, OutboxRelay } from '@lekha/persistence';
import { AppLogger, BusSeal, EntitlementsReader, sealedOutboxRound } from '@lekha/runtime';

type Wake = () => void;

/**
 * The plan's storage limit and billing's storage readings, from the documents this service holds.
 *
 * Every change of a tenant's stored bytes (a committed upload, a deleted document, a customer's documents
 * erased) takes a per-tenant advisory lock held to the end of its transaction, so two uploads cannot both
 * see room for the last megabyte, and the bytes read under it are exact. The change then writes a reading —
 * the bytes the tenant's ready documents hold now — to the usage outbox in the same transaction; the relay
 * publishes it to `billing.usage.v1`, where billing's latest reading is the tenant's usage. A reading, not a
 * delta: a lost or repeated event cannot skew the figure, and the next change corrects any gap.
 */
@Injectable()
export class DocumentStorage {
  private wake: Wake = () => undefined;

  constructor(
    private readonly entitlements: EntitlementsReader,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {}

  onAppended(wake: Wake): void {
    this.wake = wake;
  }

  /** Locks the tenant's storage to the end of the transaction; the bytes its ready documents hold. */
  async lock(data: TenantScope): Promise<number> {
    await data.tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`storage:${data.tenantId}`]);
    return this.held(data);
  }

  /** The bytes the tenant's ready documents hold, as this transaction sees them. */
  async held(data: TenantScope): Promise<number> {
    const [row] = await data.tx.execute<{ n: string }[]>(
      `select coalesce(sum(size), 0)::text as n from tenant_data.documents where status = 'ready'`,
    );
    return Number(row?.n ?? 0);
  }

  /** Refuses (402 PLAN_LIMIT_REACHED, limit storageBytes) when `adding` bytes would pass the plan's storage. */
  async assertRoom(data: TenantScope, held: number, adding: number): Promise<void> {
    await this.entitlements.assertWithin(data.tenantId, 'storageBytes', held, adding);
  }

  /** Records the reading `bytes` for billing, in the caller's transaction (after `lock`). */
  async report(data: TenantScope, bytes: number): Promise<void> {
    await appendReading(this.seal, data.tx, data.tenantId, bytes);
    afterCommit(data.tx, this.wake);
  }
}

/** One storage reading into the usage outbox (also used by the tenant's customer-data erasure: 0 bytes). */
export async function appendReading(seal: BusSeal, tx: Em, tenantId: string, bytes: number): Promise<void> {
  const event = usageEventSchema.parse({
    eventId: uuidv7(),
    tenantId,
    metric: 'storageBytes',
    quantity: bytes,
    occurredAt: new Date().toISOString(),
  });
  await tx.execute(`insert into tenant_data.usage_outbox (tenant_id, sealed) values (?, ?)`, [
    tenantId,
    seal.sealRecord(BILLING_USAGE_TOPIC, event),
  ]);
}

/** Publishes the usage outbox to `billing.usage.v1` (the house's outbox relay; billing meters each ID once). */
@Injectable()
export class StorageUsageRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(db: Database, publisher: KafkaPublisher, logger: AppLogger, storage: DocumentStorage) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: sealedOutboxRound({ db, publisher, table: 'tenant_data.usage_outbox', topic: BILLING_USAGE_TOPIC }),
      failed: 'storage readings cannot be published yet; they stay in the outbox',
      backoff: { fromMs: 200, maxMs: 5000 },
    });
    storage.onAppended(() => this.relay.wake());
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
