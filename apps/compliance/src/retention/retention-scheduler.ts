import { createHash, hkdfSync } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { AuditOutbox } from '@lekha/audit';
import {
  DOMAIN_EVENTS_TOPIC,
  INACTIVITY_ERASURE_DAYS,
  PURGE_NOTICE_HOURS,
  PurgedCategories,
  DELETION_CERTIFICATE_FORMAT,
  ErasingServices,
  deletionCertificateKey,
  purgeSchedule,
  signDeletionCertificate,
  uuidv7,
  type DeletionCertificate,
  type ErasingService,
  type PlatformEvent,
} from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import { TopicFollower } from '@lekha/kafka';
import { Database, type Em } from '@lekha/persistence';
import { AppLogger, InjectConfig, KAFKA } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { NoticeMessenger } from '../notices/notice-messenger.js';
import { RetentionRepository } from './retention.repository.js';
import { TenantActivity } from './tenant-activity.js';

/** What each service's eraser destroys (docs/retention.md): named in the certificate. */
const ERASED: Record<ErasingService, string[]> = {
  identity: ['keyset', 'users', 'sessions', 'api_keys', 'invitations', 'login_events'],
  'tenant-data': ['keyset', 'customers', 'records', 'documents'],
  notifications: ['keyset', 'messages', 'templates', 'consent_view'],
  compliance: ['keyset', 'audit_network_key', 'consent_records'],
  billing: ['keyset', 'ledgers', 'invoices'],
};

export const CERTIFICATE_SEED = Symbol('CERTIFICATE_SEED');

/** The certificate signing key's seed, derived from (never equal to) the master key. */
export function certificateSeed(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lekha.compliance.deletion-certificate/1', 32));
}

export interface TickResult {
  inactive: string[];
  notices: string[];
  purges: string[];
  blocked: string[];
  /** Tenants whose customer data began to be erased ahead of the account (per-category retention). */
  customerPurges: string[];
}

/**
 * The notice's message ID, the same for the same tenant and notice time: handed over again after a crash
 * between the hand-over and the commit, notifications still queues one message (a new cancellation, with
 * a new notice time, is a new notice).
 */
export function purgeNoticeId(tenantId: string, noticeAt: Date): string {
  const h = createHash('sha256').update(`lekha.retention.notice/1|${tenantId}|${noticeAt.toISOString()}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The notice's text: dates and what to do, no personal data (notifications adds the greeting and the contact). */
export function purgeNoticeBody(row: {
  cancelled_at: Date | null;
  purge_at: Date | null;
  cancel_reason: string | null;
  customer_purge_at?: Date | null;
}): string {
  const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'unknown');
  const why =
    row.cancel_reason === 'inactivity'
      ? 'Your Lekha account has had no sign-in or activity for 3 years (DPDP Rules, Third Schedule).'
      : `Your Lekha account was cancelled on ${day(row.cancelled_at)}.`;
  return [
    why,
    ...(row.customer_purge_at
      ? [
          'Its customer data (customers, records, documents, messages) will be deleted on ' +
            `${day(row.customer_purge_at)};`,
          `its account (staff, settings, billing) on ${day(row.purge_at)}, with its encryption keys,`,
        ]
      : [`Its data will be deleted permanently on ${day(row.purge_at)}, with its encryption keys,`]),
    'so that no backup can restore it.',
    row.cancel_reason === 'inactivity'
      ? 'To keep it, sign in before then.'
      : 'To keep it, sign in as the owner and reactivate the account before then; you can still export your data.',
    'Records the law requires us to keep (processing logs, GST records) are kept as IDs and times only.',
  ].join('\n');
}

const customerData = (tenantId: string) => ({ type: 'tenant_customer_data', id: tenantId });

const job = () => anonymousContext({ actorType: 'scheduled_job', actorId: 'retention', purpose: 'legal_obligation' });

/**
 * The retention schedule. Exactly once with any number of instances: a due tenant is claimed with
 * `for update skip locked` on its lifecycle row, its holds are checked and its state moved to
 * `purging` in that one transaction (a hold placed meanwhile waits for the lock and then sees the
 * purge begun). The order (`tenant.erasure.requested`) goes out after the commit, and again until
 * every service confirms, so a crash (kill -9) between the two only delays it; erasing is idempotent.
 * The certificate is written once, when the last confirmation moves the row from `purging` to `purged`.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private readonly follower: TopicFollower;
  private readonly key: ReturnType<typeof deletionCertificateKey>;

  constructor(
    private readonly db: Database,
    private readonly repo: RetentionRepository,
    private readonly audit: AuditOutbox,
    private readonly events: PlatformEvents,
    private readonly messenger: NoticeMessenger,
    private readonly activity: TenantActivity,
    private readonly logger: AppLogger,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CERTIFICATE_SEED) seed: Buffer,
    @InjectConfig() private readonly config: ComplianceConfig,
  ) {
    this.key = deletionCertificateKey(seed);
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'retention platform events',
      topic: DOMAIN_EVENTS_TOPIC,
      groupId: 'compliance.retention',
      fromBeginning: true,
      run: () => ({
        eachMessage: async ({ message }) => {
          const event = this.events.open(message.value);
          if (event) await runWithContext(job(), () => this.observe(event));
        },
      }),
    });
  }

  get publicKey(): { kid: string; publicKey: Buffer } {
    return { kid: this.key.kid, publicKey: this.key.publicKey };
  }

  onApplicationBootstrap(): void {
    if (this.config.RETENTION_SCHEDULE !== 'on') return;
    this.follower.start();
    this.timer = setInterval(
      () =>
        void this.tick(new Date()).catch((err: Error) =>
          this.logger.pino.warn({ error: err.message }, 'retention schedule did not run; retrying'),
        ),
      this.config.RETENTION_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.config.RETENTION_SCHEDULE === 'on') await this.follower.stop();
  }

  /** A platform event: cancellation starts the clock; each erasure confirmation may complete a purge. */
  async observe(event: PlatformEvent): Promise<void> {
    if (event.type === 'tenant.cancelled') {
      const at = new Date(event.cancelledAt);
      await this.db.em().transactional(async (tx) => {
        const policy = await this.repo.policy(tx, event.tenantId);
        const schedule = purgeSchedule(at, policy.days, policy.customerDataDays);
        if (await this.repo.cancel(tx, event.tenantId, event.reason, at, schedule))
          await this.audit.record(tx, {
            action: 'update',
            resource: { type: 'tenant_lifecycle', id: event.tenantId },
            tenantId: event.tenantId,
            reason: `cancelled_${event.reason}`,
          });
      });
    } else if (event.type === 'tenant.erasure.confirmed') {
      await this.repo.confirm(this.db.em(), event.tenantId, event.service, new Date(event.confirmedAt));
      await this.complete(event.tenantId, new Date());
    } else if (event.type === 'tenant.customer-data.erasure.confirmed') {
      await this.repo.confirmCustomerData(this.db.em(), {
        tenantId: event.tenantId,
        service: event.service,
        erased: event.erased,
        retained: event.retained,
        at: new Date(event.confirmedAt),
      });
      await this.completeCustomerData(event.tenantId, new Date());
    }
  }

  /** One round of the schedule as of `asOf`: notices due, purges due (or blocked), orders to repeat. */
  tick(asOf: Date, tenantId?: string): Promise<TickResult> {
    return runWithContext(job(), async () => {
      const result: TickResult = { inactive: [], notices: [], purges: [], blocked: [], customerPurges: [] };
      await this.inactivity(asOf, result, tenantId);
      await this.db.em().transactional(async (tx) => {
        for (const row of await this.repo.claimDue(tx, 'notice_at', asOf, tenantId)) {
          // Handed to notifications under the row's lock, marked sent in the same transaction: once per
          // notice with any number of instances (a failed hand-over rolls back and the next tick retries).
          await this.messenger.send({
            id: purgeNoticeId(row.tenant_id, new Date(row.notice_at!)),
            tenantId: row.tenant_id,
            to: { tenantOwner: true },
            purpose: 'retention_notice',
            body: purgeNoticeBody(row),
          });
          await this.repo.markNoticeSent(tx, row.tenant_id, asOf);
          await this.repo.insertRun(tx, {
            id: uuidv7(),
            tenantId: row.tenant_id,
            kind: 'notice',
            result: 'sent',
            at: asOf,
          });
          await this.audit.record(tx, {
            action: 'create',
            resource: { type: 'purge_notice', id: row.tenant_id },
            tenantId: row.tenant_id,
            reason: `purge_at_${row.purge_at?.toISOString?.() ?? row.purge_at}`,
          });
          result.notices.push(row.tenant_id);
        }
      });
      // Customer data first (per-category retention), then whole tenants: each claimed, hold-checked and
      // started in one transaction under the row's lock.
      await this.claimPurges('customer_purge', asOf, result, tenantId);
      await this.claimPurges('purge', asOf, result, tenantId);
      const before = new Date(Date.now() - this.config.RETENTION_REPUBLISH_MS);
      await this.publishCustomerOrders(before, result.customerPurges);
      await this.publishOrders(before, result.purges);
      return result;
    });
  }

  /**
   * Due purges of one kind, claimed: a standing hold (on the tenant or any of its customers) blocks it —
   * a `blocked` run once per hold, audited — otherwise a unique `started` run and the lifecycle row moved.
   */
  private async claimPurges(
    kind: 'purge' | 'customer_purge',
    asOf: Date,
    result: TickResult,
    tenantId?: string,
  ): Promise<void> {
    const column = kind === 'purge' ? 'purge_at' : 'customer_purge_at';
    await this.db.em().transactional(async (tx) => {
      for (const row of await this.repo.claimDue(tx, column, asOf, tenantId)) {
        const holds = await this.repo.activeHolds(tx, row.tenant_id);
        if (holds.length) {
          const hold = holds[0]!;
          const run = { id: uuidv7(), tenantId: row.tenant_id, kind, result: 'blocked' as const, holdId: hold.id };
          if (await this.repo.insertRun(tx, { ...run, at: asOf }))
            await this.audit.record(tx, {
              action: 'delete',
              resource: kind === 'purge' ? { type: 'tenant', id: row.tenant_id } : customerData(row.tenant_id),
              tenantId: row.tenant_id,
              outcome: 'denied',
              reason: `legal_hold:${hold.id}`,
            });
          if (!result.blocked.includes(row.tenant_id)) result.blocked.push(row.tenant_id);
          continue;
        }
        const run = { id: uuidv7(), tenantId: row.tenant_id, kind, result: 'started' as const, at: asOf };
        if (!(await this.repo.insertRun(tx, run))) continue;
        if (kind === 'purge') await this.repo.startPurge(tx, row.tenant_id, asOf);
        else await this.repo.startCustomerPurge(tx, row.tenant_id, asOf);
        await this.audit.record(tx, {
          action: 'delete',
          resource: kind === 'purge' ? { type: 'tenant', id: row.tenant_id } : customerData(row.tenant_id),
          tenantId: row.tenant_id,
          reason: kind === 'purge' ? 'retention_purge' : 'retention_customer_data',
        });
        (kind === 'purge' ? result.purges : result.customerPurges).push(row.tenant_id);
      }
    });
  }

  /** Customer-data erasure orders: new ones at once, the unconfirmed again after the republish delay. */
  private async publishCustomerOrders(before: Date, fresh: string[]): Promise<void> {
    const due = await this.repo.customerToRepublish(this.db.em(), before);
    const ids = [...new Set([...fresh, ...due])];
    if (!ids.length) return;
    const now = new Date().toISOString();
    await this.events.publish(
      ...ids.map((tenantId) => ({
        type: 'tenant.customer-data.erasure.requested' as const,
        eventId: uuidv7(),
        tenantId,
        requestedAt: now,
      })),
    );
    await this.repo.markCustomerPublished(this.db.em(), ids);
  }

  /** When every service has confirmed a customer-data erasure, it is done (the tenant stays cancelled). */
  async completeCustomerData(tenantId: string, at: Date): Promise<boolean> {
    return this.db.em().transactional(async (tx: Em) => {
      const row = await this.repo.lifecycle(tx, tenantId, true);
      if (!row?.customer_purge_started_at || row.customer_purged_at) return false;
      const confirmed = new Set((await this.repo.customerConfirmations(tx, tenantId)).map((c) => c.service));
      if (!ErasingServices.every((s) => confirmed.has(s))) return false;
      if (!(await this.repo.finishCustomerPurge(tx, tenantId, at))) return false;
      await this.audit.record(tx, {
        action: 'delete',
        resource: customerData(tenantId),
        tenantId,
        reason: 'retention_customer_data_complete',
      });
      return true;
    });
  }

  /**
   * Inactivity erasure (policy option, off by default): a tenant with no activity (sign-in, session use;
   * identity's record) for three years is scheduled like a cancellation — the notice 48 h before, then the
   * purge — and one active again after its last-seen activity is called off before its purge. The purge
   * is never sooner than 48 h after the round that finds it, so the notice always has its 48 h.
   */
  private async inactivity(asOf: Date, result: TickResult, tenantId?: string): Promise<void> {
    const em = this.db.em();
    const candidates = await this.repo.inactivityCandidates(em, tenantId);
    const pending = await this.repo.pendingInactivity(em, tenantId);
    if (!candidates.length && !pending.length) return;
    let last: Map<string, Date | null>;
    try {
      last = await this.activity.lastActivity([...candidates, ...pending.map((r) => r.tenant_id)]);
    } catch (err) {
      // Without identity's answer nothing is scheduled or called off; the rest of the round goes on.
      this.logger.pino.warn({ error: (err as Error).message }, 'tenant activity unknown: inactivity erasure waits');
      return;
    }
    const notice = PURGE_NOTICE_HOURS * 3_600_000;
    await em.transactional(async (tx) => {
      for (const row of pending) {
        const seen = last.get(row.tenant_id);
        if (!seen || !row.inactive_since || seen <= new Date(row.inactive_since)) continue;
        if (await this.repo.callOffInactivity(tx, row.tenant_id))
          await this.audit.record(tx, {
            action: 'update',
            resource: { type: 'tenant_lifecycle', id: row.tenant_id },
            tenantId: row.tenant_id,
            reason: 'inactivity_ended',
          });
      }
      for (const id of candidates) {
        const seen = last.get(id);
        if (!seen) continue;
        const due = seen.getTime() + INACTIVITY_ERASURE_DAYS * 86_400_000;
        if (asOf.getTime() < due - notice) continue;
        const purgeAt = new Date(Math.max(due, asOf.getTime() + notice));
        const schedule = { noticeAt: new Date(purgeAt.getTime() - notice), purgeAt };
        if (!(await this.repo.scheduleInactivity(tx, id, seen, asOf, schedule))) continue;
        await this.audit.record(tx, {
          action: 'update',
          resource: { type: 'tenant_lifecycle', id },
          tenantId: id,
          reason: `inactive_since_${seen.toISOString()}`,
        });
        result.inactive.push(id);
      }
    });
  }

  /** Erasure orders for purges begun: new ones at once, the unconfirmed again after the republish delay. */
  private async publishOrders(before: Date, fresh: string[]): Promise<void> {
    const due = await this.repo.toRepublish(this.db.em(), before);
    const ids = [...new Set([...fresh, ...due.map((r) => r.tenant_id)])];
    if (!ids.length) return;
    const now = new Date().toISOString();
    await this.events.publish(
      ...ids.map((tenantId) => ({
        type: 'tenant.erasure.requested' as const,
        eventId: uuidv7(),
        tenantId,
        requestedAt: now,
      })),
    );
    await this.repo.markPublished(this.db.em(), ids);
  }

  /** When every service has confirmed a purge begun, the tenant is purged and its certificate signed: once. */
  async complete(tenantId: string, at: Date): Promise<DeletionCertificate | null> {
    return this.db.em().transactional(async (tx: Em) => {
      const row = await this.repo.lifecycle(tx, tenantId, true);
      if (row?.state !== 'purging') return null;
      const confirmed = await this.repo.confirmations(tx, tenantId);
      const by = new Map(confirmed.map((c) => [c.service, new Date(c.confirmed_at)]));
      if (!ErasingServices.every((s) => by.has(s))) return null;
      const run = await this.repo.purgeRun(tx, tenantId);
      const policy = await this.repo.policy(tx, tenantId);
      const purgeAt = row.purge_at ? new Date(row.purge_at) : at;
      const certificate = signDeletionCertificate(
        {
          format: DELETION_CERTIFICATE_FORMAT,
          id: uuidv7(),
          subject: { kind: 'tenant', tenantId },
          basis: 'retention_after_cancellation',
          services: ErasingServices.map((service) => ({
            service,
            confirmedAt: by.get(service)!.toISOString(),
            erased: ERASED[service],
          })),
          retained: policy.categories
            .filter((c) => !(PurgedCategories as readonly string[]).includes(c.category))
            .map((c) => ({
              category: c.category,
              until: new Date(new Date(row.cancelled_at ?? purgeAt).getTime() + c.days * 86_400_000).toISOString(),
              reason: `${c.reason}; IDs and times only, no personal data in clear (keys destroyed)`,
            })),
          requestedAt: new Date(run?.started_at ?? purgeAt).toISOString(),
          completedAt: new Date(Math.max(...[...by.values()].map((d) => d.getTime()))).toISOString(),
          issuedAt: at.toISOString(),
        },
        this.key,
      );
      await this.repo.markPurged(tx, tenantId, at);
      await this.repo.finishPurgeRun(tx, tenantId, at, certificate);
      await this.audit.record(tx, {
        action: 'create',
        resource: { type: 'deletion_certificate', id: certificate.id },
        tenantId,
        reason: 'retention_purge_complete',
      });
      return certificate;
    });
  }
}
