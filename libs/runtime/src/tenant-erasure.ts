import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Type,
} from '@nestjs/common';
import type { Consumer, ConsumerCrashEvent, Kafka, Producer } from 'kafkajs';
import {
  DOMAIN_EVENTS_TOPIC,
  platformEventSchema,
  uuidv7,
  type ErasingService,
  type PlatformEvent,
} from '@lekha/contracts';
import { setRlsTenant, type Database, type Em } from '@lekha/persistence';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { AppLogger } from './app-logger.js';
import { BusSeal } from './bus-seal.js';
import { KAFKA } from './core-module.js';

/**
 * Platform events (`platform.events.v1`): IDs and times only, and sealed with the bus key all the
 * same, because they are orders — a forged "erase this tenant" must not be taken for a real one.
 */
@Injectable()
export class PlatformEvents implements OnModuleDestroy {
  private producer: Promise<Producer> | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {}

  async publish(...events: PlatformEvent[]): Promise<void> {
    this.producer ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })();
    try {
      const producer = await this.producer;
      await producer.send({
        topic: DOMAIN_EVENTS_TOPIC,
        acks: -1,
        timeout: 5000,
        messages: events.map((e) => ({
          key: e.tenantId,
          value: this.seal.sealRecord(DOMAIN_EVENTS_TOPIC, platformEventSchema.parse(e)),
        })),
      });
    } catch (err) {
      const broken = this.producer;
      this.producer = null;
      await broken?.then((p) => p.disconnect()).catch(() => undefined);
      throw err;
    }
  }

  /** Opens and validates one record; null for anything not sealed with our bus key or not a known event. */
  open(value: Buffer | null): PlatformEvent | null {
    if (!value) return null;
    try {
      return platformEventSchema.parse(this.seal.openRecord(DOMAIN_EVENTS_TOPIC, value));
    } catch {
      return null;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}

/**
 * Runs `fn` in one transaction as the tenant-erasure job — the actor every audit record it writes
 * names — with `app.tenant_id` set, so row-level security lets it reach the tenant's rows.
 */
export function inErasureTransaction<T>(db: Database, tenantId: string, fn: (tx: Em) => Promise<T>): Promise<T> {
  const ctx = anonymousContext({ actorType: 'scheduled_job', actorId: 'tenant-erasure', purpose: 'legal_obligation' });
  return runWithContext(ctx, () =>
    db.em().transactional(async (tx) => {
      await setRlsTenant(tx, tenantId);
      return fn(tx);
    }),
  );
}

/** What a service does when its tenant is erased. Must be idempotent: a redelivered order runs again. */
export interface TenantEraser {
  readonly service: ErasingService;
  erase(tenantId: string): Promise<void>;
}
export const TENANT_ERASER = Symbol('TENANT_ERASER');

/** Something that wants to see every platform event (identity records erasure confirmations). */
export interface PlatformEventObserver {
  observe(event: PlatformEvent): Promise<void>;
}
export const PLATFORM_EVENT_OBSERVER = Symbol('PLATFORM_EVENT_OBSERVER');

/**
 * Follows `platform.events.v1` in the service's own consumer group (from the beginning, so a
 * service that was down when a tenant was erased still erases it). An erasure request runs the
 * service's TenantEraser, retrying until it succeeds, then the confirmation is published; the
 * offset is committed only after both, so a crash repeats the erasure rather than skipping it.
 */
@Injectable()
export class TenantErasureWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: Consumer | null = null;
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly events: PlatformEvents,
    private readonly logger: AppLogger,
    @Inject(TENANT_ERASER) private readonly eraser: TenantEraser,
    @Optional() @Inject(PLATFORM_EVENT_OBSERVER) private readonly observer?: PlatformEventObserver,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  private start(): void {
    void (async () => {
      const groupId = `${this.eraser.service}.tenant-erasure`;
      for (let attempt = 1; !this.stopped; attempt++) {
        const consumer = this.kafka.consumer({
          groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: 15000,
          heartbeatInterval: 1000,
        });
        try {
          // A fresh broker's coordinator loads for a while; joining before it can serve crashes the consumer.
          const admin = this.kafka.admin();
          await admin.connect();
          try {
            await admin.describeGroups([groupId]);
          } finally {
            await admin.disconnect().catch(() => undefined);
          }
          await consumer.connect();
          await consumer.subscribe({ topic: DOMAIN_EVENTS_TOPIC, fromBeginning: true });
          consumer.on(consumer.events.CRASH, (e: ConsumerCrashEvent) => {
            if (!e.payload.restart && this.consumer === consumer) {
              this.logger.pino.warn(
                { error: e.payload.error.message },
                'platform events consumer crashed; starting a new one',
              );
              this.consumer = null;
              void consumer
                .disconnect()
                .catch(() => undefined)
                .then(() => this.start());
            }
          });
          await consumer.run({ eachMessage: async ({ message }) => this.handle(message.value) });
          this.consumer = consumer;
          return;
        } catch (err) {
          this.logger.pino.warn(
            { attempt, error: (err as Error).message },
            'cannot follow platform events yet; retrying',
          );
          await consumer.disconnect().catch(() => undefined);
          await sleep(Math.min(500 * attempt, 5000));
        }
      }
    })();
  }

  private async handle(value: Buffer | null): Promise<void> {
    const event = this.events.open(value);
    if (!event) {
      this.logger.pino.warn('platform event ignored: not sealed with the bus key or not understood');
      return;
    }
    if (this.observer) await this.retry('observe platform event', event.tenantId, () => this.observer!.observe(event));
    if (event.type !== 'tenant.erasure.requested') return;
    await this.retry('erase tenant', event.tenantId, async () => {
      await this.eraser.erase(event.tenantId);
      await this.events.publish({
        type: 'tenant.erasure.confirmed',
        eventId: uuidv7(),
        tenantId: event.tenantId,
        service: this.eraser.service,
        confirmedAt: new Date().toISOString(),
      });
    });
    this.logger.pino.info({ tenantId: event.tenantId }, 'tenant erased in this service');
  }

  /** Retries with back-off until it works or the service stops (then the offset stays uncommitted). */
  private async retry(what: string, tenantId: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopped) throw err;
        this.logger.pino.warn({ tenantId, attempt, error: (err as Error).message }, `could not ${what}; retrying`);
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

/**
 * Wires a service into tenant erasure: its eraser (and optionally an observer of every platform
 * event) behind the worker that follows `platform.events.v1`. `providers` are what the eraser needs.
 */
@Module({})
export class TenantErasureModule {
  static forService(opts: {
    eraser: Type<TenantEraser>;
    observer?: Type<PlatformEventObserver>;
    providers?: Type[];
  }): DynamicModule {
    return {
      module: TenantErasureModule,
      providers: [
        ...(opts.providers ?? []),
        opts.eraser,
        { provide: TENANT_ERASER, useExisting: opts.eraser },
        ...(opts.observer ? [{ provide: PLATFORM_EVENT_OBSERVER, useExisting: opts.observer }] : []),
        PlatformEvents,
        TenantErasureWorker,
      ],
      exports: [PlatformEvents, opts.eraser],
    };
  }
}
