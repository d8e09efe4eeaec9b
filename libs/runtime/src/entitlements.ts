import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import {
  BILLING_ENTITLEMENTS_TOPIC,
  SIGNUP_ENTITLEMENTS,
  SIGNUP_PLAN_KEY,
  entitlementSnapshotSchema,
  FeatureError,
  PlanError,
  type EntitlementFeature,
  type EntitlementLimit,
  type EntitlementSnapshot,
  type Entitlements,
} from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger } from './app-logger.js';
import { BusSeal } from './bus-seal.js';
import { KAFKA, SERVICE_CONFIG } from './core-module.js';

/** How long a check waits to read up to the topic's end before it uses the snapshot it has. */
const CATCH_UP_WAIT_MS = 1000;

/**
 * Follows billing's `billing.entitlements.v1` (compacted, keyed by tenant, sealed with the bus key) and
 * keeps each tenant's latest snapshot. A tenant with no snapshot has chosen no plan yet: it is on its
 * sign-up trial (SIGNUP_ENTITLEMENTS).
 * Before a check it reads on to the topic's current end (at most a second), so a plan changed just
 * before is the plan enforced; while the broker is away the cached snapshot is used.
 */
@Injectable()
export class EntitlementsReader implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly snapshots = new Map<string, EntitlementSnapshot>();
  private readonly next = new Map<number, number>();
  private readonly follower: TopicFollower;
  private admin: Admin | null = null;
  private started = false;
  /** The topic's end as last asked of the broker, and the ask that callers arriving during it wait for. */
  private asking: Promise<void> | null = null;
  private nextAsk: Promise<void> | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    @Inject(SERVICE_CONFIG) config: { LEKHA_ENV: string },
    private readonly logger: AppLogger,
  ) {
    void config;
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'the entitlements topic',
      topic: BILLING_ENTITLEMENTS_TOPIC,
      groupId: () => `entitlements-${randomUUID()}`,
      fromBeginning: true,
      run: () => ({
        eachMessage: async ({ partition, message }) => this.apply(partition, message.offset, message.value),
      }),
      onRestart: () => this.next.clear(),
      onStarted: () => {
        this.started = true;
      },
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** The tenant's snapshot as last read, or null (the sign-up allowance applies). */
  cached(tenantId: string): EntitlementSnapshot | null {
    return this.snapshots.get(tenantId) ?? null;
  }

  /** The tenant's entitlements, read up to the topic's end first when the broker answers. */
  async current(tenantId: string): Promise<CurrentEntitlements> {
    // At most a second, however long the broker takes to answer (while it is away, the cached snapshot).
    if (this.started)
      await Promise.race([this.caughtUp().catch(() => undefined), sleep(CATCH_UP_WAIT_MS, undefined, { ref: false })]);
    const s = this.snapshots.get(tenantId);
    return s
      ? { entitlements: s.entitlements, planKey: s.planKey }
      : { entitlements: SIGNUP_ENTITLEMENTS, planKey: SIGNUP_PLAN_KEY };
  }

  /**
   * Refuses (402 PLAN_LIMIT_REACHED naming the limit) when `current + adding` would pass the plan's
   * limit. Call before anything is written. (A read-only tenant's writes never get here: the gateway's
   * PermissionGuard refuses them from identity's tenant standing.)
   */
  async assertWithin(tenantId: string, limit: EntitlementLimit, current: number, adding = 1): Promise<void> {
    const refusal = limitRefusal(await this.current(tenantId), limit, current, adding);
    if (refusal) throw refusal;
  }

  /** Refuses (402 PLAN_FEATURE_NOT_INCLUDED naming the feature) when the tenant's plan leaves it out. */
  async assertFeature(tenantId: string, feature: EntitlementFeature): Promise<void> {
    const e = await this.current(tenantId);
    if (!e.entitlements.features[feature])
      throw new FeatureError(PlanError.FeatureNotIncluded, `the ${e.planKey} plan does not include ${feature}`, {
        feature,
        planKey: e.planKey,
      });
  }

  private apply(partition: number, offset: string, value: Buffer | null): void {
    this.next.set(partition, Number(offset) + 1);
    if (!value) return;
    try {
      const s = entitlementSnapshotSchema.parse(this.seal.openRecord(BILLING_ENTITLEMENTS_TOPIC, value));
      const known = this.snapshots.get(s.tenantId);
      if (!known || known.version <= s.version) this.snapshots.set(s.tenantId, s);
    } catch (err) {
      this.logger.pino.warn({ partition, offset, error: (err as Error).message }, 'entitlement record ignored');
    }
  }

  /**
   * Reads on to the topic's end as it stood after this call began. One ask of the broker is in flight at
   * a time: callers arriving while one is out wait for the next, which they share (an ask that began
   * before them could miss a plan changed just before they asked), so a burst of checks costs the
   * broker one round trip, not one each.
   */
  private caughtUp(): Promise<void> {
    if (!this.asking) {
      this.asking = this.catchUp(CATCH_UP_WAIT_MS).finally(() => (this.asking = null));
      return this.asking;
    }
    this.nextAsk ??= this.asking
      .catch(() => undefined)
      .then(() => {
        this.nextAsk = null;
        return this.caughtUp();
      });
    return this.nextAsk;
  }

  private async catchUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const ends = await this.admin.fetchTopicOffsets(BILLING_ENTITLEMENTS_TOPIC);
    const reached = () => ends.every((p) => (this.next.get(p.partition) ?? Number(p.low)) >= Number(p.high));
    while (!reached()) {
      if (Date.now() > deadline) throw new Error('timed out reading the entitlements topic');
      await sleep(10);
    }
  }
}

/** A tenant's plan as enforced: its entitlements and the plan's key (named in refusals). */
export interface CurrentEntitlements {
  entitlements: Entitlements;
  planKey: string;
}

/** The plan's limit rule, in one place: 402 PLAN_LIMIT_REACHED when `current + adding` would pass it. */
export function limitRefusal(
  plan: CurrentEntitlements,
  limit: EntitlementLimit,
  current: number,
  adding = 1,
): FeatureError | null {
  const max = plan.entitlements.limits[limit];
  if (max === null || current + adding <= max) return null;
  return new FeatureError(PlanError.LimitReached, `the ${plan.planKey} plan allows ${max} ${limit}`, {
    limit,
    current,
    max,
  });
}

/** The entitlement snapshot reader, for the services that enforce plan limits at the point of use. */
@Global()
@Module({ providers: [EntitlementsReader], exports: [EntitlementsReader] })
export class EntitlementsModule {}
