import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TenantAccess } from '@lekha/access';
import {
  PRIVACY_RIGHTS_TOPIC,
  uuidv7,
  type RightsEvent,
  type RightsPartAnsweredEvent,
  type RightsPartRequestedEvent,
  type RightsRequestKind,
  type RightsService,
} from '@lekha/contracts';
import { Database, OutboxRelay } from '@lekha/persistence';
import { AppLogger, KAFKA, RightsEvents, SealedEventFollower } from '@lekha/runtime';
import { ErasureWorkflow } from './erasure/erasure-workflow.js';
import { RightsClock } from './rights-clock.js';
import { sealPartAtRest } from './rights-view.js';
import { RightsRepository } from './rights.repository.js';

/** How often the relay looks for parts to ask for, and how long it waits for one before asking again. */
export class RightsRelayOptions {
  constructor(
    readonly enabled: boolean,
    readonly intervalMs: number,
    readonly republishMs: number,
  ) {}
}

interface DuePart {
  request_id: string;
  service: RightsService;
  tenant_id: string;
  kind: RightsRequestKind;
  customer_id: string;
}

/**
 * Asks each service for its part of an access or export request on `privacy.rights.v1`, and again
 * every `republishMs` until its sealed part arrives: the parts are rows written in the request's own
 * transaction, so a crash, a broker outage or a service that is down delays a request but never loses
 * it. Follows the answers too (group `compliance.rights-answers`): each part is stored encrypted under
 * the tenant's key and, once every service has answered, the request is completed (audited).
 */
@Injectable()
export class RightsRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;
  private readonly follower: SealedEventFollower<RightsEvent>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly db: Database,
    private readonly access: TenantAccess,
    private readonly events: RightsEvents,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
    private readonly options: RightsRelayOptions,
    private readonly logger: AppLogger,
    private readonly erasure: ErasureWorkflow,
  ) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: () => this.runOnce(),
      failed: 'rights relay round failed; will retry',
      idleMs: options.intervalMs,
      drain: false,
    });
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'rights answers',
      topic: PRIVACY_RIGHTS_TOPIC,
      groupId: 'compliance.rights-answers',
      open: (value) => events.open(value),
      what: 'rights event',
      apply: async (event) => {
        if (event.type === 'rights.part.answered') await this.answered(event);
      },
      retrying: 'could not record a rights part; retrying',
      describe: (event) => ({ requestId: event.requestId }),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.relay.start();
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
    if (this.options.enabled) await this.follower.stop();
  }

  /** A request was filed: ask now rather than at the next tick. */
  nudge(): void {
    this.relay.wake();
  }

  /** One round: asks for every due part; answers how many. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db.em().execute<DuePart[]>(
      `select request_id, service, tenant_id, kind, customer_id from compliance.rights_parts
           where answered_at is null and next_send_at <= ? order by next_send_at limit 200`,
      [now],
    );
    if (!due.length) return 0;
    const events: RightsPartRequestedEvent[] = due.map((d) => ({
      type: 'rights.part.requested',
      eventId: uuidv7(),
      tenantId: d.tenant_id,
      requestId: d.request_id,
      service: d.service,
      kind: d.kind,
      customerId: d.customer_id,
    }));
    await this.events.publish(...events);
    const next = new Date(now.getTime() + this.options.republishMs);
    for (const d of due)
      await this.db.em().execute(
        `update compliance.rights_parts set next_send_at = ?, sends = sends + 1
             where request_id = ? and service = ? and answered_at is null`,
        [next, d.request_id, d.service],
      );
    return due.length;
  }

  /**
   * A service answered: its part is stored (the first answer counts; a repeat changes nothing) and,
   * when it was the last one awaited, the request is completed. A part that does not open with the
   * tenant's rights transport key is ignored.
   */
  async answered(event: RightsPartAnsweredEvent): Promise<void> {
    let part;
    try {
      part = this.events.openPart(event.tenantId, event.requestId, event.service, event.partSealed);
    } catch {
      this.logger.pino.warn({ tenantId: event.tenantId }, 'rights part ignored: it does not open for its tenant');
      return;
    }
    const checkQueued = await this.access.runAsService(event.tenantId, 'compliance', async (data) => {
      const request = await this.requests.find(data, event.requestId, true);
      if (!request || request.status !== 'in_progress') return;
      const now = this.clock.now();
      // An erasure goes on in two rounds (erase, then an access check): ErasureWorkflow keeps its state.
      if (request.kind === 'erasure') return this.erasure.answered(data, request, event, part, now);
      if (!(await this.requests.answer(data, event.requestId, event.service, sealPartAtRest(data.cipher, part), now)))
        return;
      if ((await this.requests.waiting(data, event.requestId)) > 0) return;
      await this.requests.setStatus(data, event.requestId, { status: 'completed', completedAt: now });
      await data.record({
        action: 'update',
        resource: { type: 'rights_request', id: event.requestId },
        subjectIds: [request.customer_id],
        reason: 'status_completed',
      });
    });
    if (checkQueued) this.nudge();
  }
}
