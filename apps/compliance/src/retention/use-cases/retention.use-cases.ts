import { PlatformAccess } from '@lekha/access';
import {
  AccessError,
  FeatureError,
  PurgedCategories,
  RetentionError,
  RetentionOps,
  RetentionProfiles,
  decodeKeysetCursor,
  encodeKeysetCursor,
  purgeSchedule,
  uuidv7,
  type OpRequest,
  type OpResponse,
  type RetentionView,
} from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import type { Em } from '@lekha/persistence';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RetentionRepository, holdView } from '../retention.repository.js';
import { RetentionScheduler } from '../retention-scheduler.js';

function tenantOf(scope: OperationScope): string {
  if (!scope.ctx.tenantId) throw new FeatureError(AccessError.TenantRequired, 'sign in to a tenant first');
  return scope.ctx.tenantId;
}

async function retentionView(repo: RetentionRepository, tx: Em, tenantId: string): Promise<RetentionView> {
  const policy = await repo.policy(tx, tenantId);
  const life = await repo.lifecycle(tx, tenantId);
  const holds = await repo.activeHolds(tx, tenantId);
  const cancelledAt = life?.state !== 'active' && life?.cancelled_at ? new Date(life.cancelled_at) : null;
  // An inactivity erasure has its own dates (three years after the last activity); a cancellation, the policy's.
  const schedule =
    cancelledAt && life?.cancel_reason === 'inactivity' && life.notice_at && life.purge_at
      ? { noticeAt: new Date(life.notice_at), purgeAt: new Date(life.purge_at), customerPurgeAt: null }
      : cancelledAt
        ? purgeSchedule(cancelledAt, policy.days, policy.customerDataDays)
        : null;
  // Once customer data is being erased its date no longer moves with the policy: the row's date is the truth.
  const customerPurgeAt = life?.customer_purge_started_at
    ? new Date(life.customer_purge_at ?? life.customer_purge_started_at)
    : (schedule?.customerPurgeAt ?? null);
  return {
    tenantId,
    policy,
    state: life?.state ?? 'active',
    cancelledAt: cancelledAt?.toISOString() ?? null,
    cancelReason: cancelledAt ? life!.cancel_reason : null,
    schedule:
      schedule && cancelledAt
        ? {
            noticeAt: schedule.noticeAt.toISOString(),
            purgeAt: schedule.purgeAt.toISOString(),
            customerPurgeAt: customerPurgeAt?.toISOString() ?? null,
            customerPurgedAt: life?.customer_purged_at ? new Date(life.customer_purged_at).toISOString() : null,
            retained: policy.categories
              .filter((c) => !(PurgedCategories as readonly string[]).includes(c.category))
              .map((c) => ({
                category: c.category,
                until: new Date(cancelledAt.getTime() + c.days * 86_400_000).toISOString(),
                reason: c.reason,
              })),
          }
        : null,
    holds: holds.map((h) => ({ id: h.id, placedAt: new Date(h.placed_at).toISOString() })),
    lastRuns: await repo.runs(tx, { tenantId, limit: 10 }),
  };
}

@Handles(RetentionOps.getRetention)
export class GetRetentionUseCase implements UseCase<typeof RetentionOps.getRetention> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(scope: OperationScope<typeof RetentionOps.getRetention>) {
    const tenantId = tenantOf(scope);
    return this.access.run(scope, async (data) => {
      const view = await retentionView(this.repo, data.tx, tenantId);
      await data.record({ tenantId, resource: { id: tenantId } });
      return view;
    });
  }
}

/** Sets the policy; a cancelled tenant's purge moves with it (the legal floors are not the policy's to lower). */
@Handles(RetentionOps.putRetention)
export class PutRetentionUseCase implements UseCase<typeof RetentionOps.putRetention> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(scope: OperationScope<typeof RetentionOps.putRetention>, input: OpRequest<typeof RetentionOps.putRetention>) {
    const tenantId = tenantOf(scope);
    return this.access.run(scope, async (data) => {
      const stored = await this.repo.stored(data.tx, tenantId);
      const next = {
        profile: input.profile ?? stored?.profile ?? 'standard',
        days: input.days ?? (input.profile ? null : (stored?.days ?? null)),
        inactivityErasure: input.inactivityErasure ?? stored?.inactivity_erasure ?? false,
        customerDataDays:
          input.customerDataDays === undefined ? (stored?.customer_data_days ?? null) : input.customerDataDays,
      };
      const days = next.days ?? RetentionProfiles[next.profile];
      if (next.customerDataDays !== null && next.customerDataDays > days)
        throw new FeatureError(RetentionError.CustomerDataDaysTooLong, 'request is invalid', [
          { path: 'customerDataDays', message: `may not exceed the account's days (${days})` },
        ]);
      await this.repo.putPolicy(data.tx, tenantId, next, scope.ctx.actorId ?? null);
      const life = await this.repo.lifecycle(data.tx, tenantId, true);
      // Turning inactivity erasure off calls off one scheduled and not begun.
      if (!next.inactivityErasure && life?.cancel_reason === 'inactivity' && life.state === 'cancelled')
        await this.repo.callOffInactivity(data.tx, tenantId);
      else if (life?.state === 'cancelled' && life.cancelled_at) {
        const policy = await this.repo.policy(data.tx, tenantId);
        const schedule = purgeSchedule(new Date(life.cancelled_at), policy.days, policy.customerDataDays);
        await this.repo.reschedule(data.tx, tenantId, schedule);
      }
      await data.record({ tenantId, resource: { id: tenantId } });
      return retentionView(this.repo, data.tx, tenantId);
    });
  }
}

/** The owner calls the purge off while it has not begun (under the row lock the schedule claims with). */
@Handles(RetentionOps.reactivate)
export class ReactivateTenantUseCase implements UseCase<typeof RetentionOps.reactivate> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
    private readonly events: PlatformEvents,
  ) {}

  async execute(
    scope: OperationScope<typeof RetentionOps.reactivate>,
  ): Promise<OpResponse<typeof RetentionOps.reactivate>> {
    const tenantId = tenantOf(scope);
    const at = new Date();
    const state = await this.access.run(scope, async (data) => {
      const s = await this.repo.reactivate(data.tx, tenantId);
      if (s === 'cancelled') await data.record({ tenantId, resource: { id: tenantId }, reason: 'reactivated' });
      return s;
    });
    if (state !== 'cancelled')
      return this.access.refuse(
        scope,
        { reason: state ? `tenant_${state}` : 'not_cancelled', resource: { id: tenantId } },
        state === 'purging' || state === 'purged'
          ? new FeatureError(
              RetentionError.PurgeStarted,
              'the purge has begun: the tenant can no longer be reactivated',
            )
          : new FeatureError(RetentionError.NotCancelled, 'the tenant is not cancelled'),
      );
    await this.events.publish({
      type: 'tenant.reactivated',
      eventId: uuidv7(),
      tenantId,
      reactivatedAt: at.toISOString(),
    });
    return { tenantId, state: 'active', at: at.toISOString() };
  }
}

/** A hold placed while a purge runs does not stop it (the purge completes first): the answer says so. */
@Handles(RetentionOps.placeHold)
export class PlaceLegalHoldUseCase implements UseCase<typeof RetentionOps.placeHold> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(scope: OperationScope<typeof RetentionOps.placeHold>, input: OpRequest<typeof RetentionOps.placeHold>) {
    return this.access.run(scope, async (data) => {
      // The lifecycle row's lock orders this against the schedule's claim: one sees the other.
      const life = await this.repo.lifecycle(data.tx, input.tenantId, true);
      const hold = await this.repo.insertHold(data.tx, {
        id: uuidv7(),
        tenant_id: input.tenantId,
        customer_id: input.customerId ?? null,
        reason: input.reason,
        reference: input.reference,
        placed_by: scope.ctx.actorId ?? 'unknown',
        placed_at: new Date(),
        purge_already_running: life?.state === 'purging' || life?.state === 'purged',
      });
      await data.record({ tenantId: input.tenantId, resource: { id: hold.id }, reason: 'legal_hold_placed' });
      return holdView(hold);
    });
  }
}

/**
 * Asked by tenant-data before it erases a customer (a service; the request names the tenant): whether a
 * hold stands on them. Audited as a read of the holds in the tenant's trail.
 */
@Handles(RetentionOps.holdsStanding)
export class HoldsStandingUseCase implements UseCase<typeof RetentionOps.holdsStanding> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(
    scope: OperationScope<typeof RetentionOps.holdsStanding>,
    input: OpRequest<typeof RetentionOps.holdsStanding>,
  ) {
    return this.access
      .run(scope, async (data) => {
        if (scope.ctx.actorType !== 'service') {
          await data.record({ tenantId: input.tenantId, outcome: 'denied', reason: 'forbidden' });
          return null;
        }
        const holdIds = await this.repo.holdsOnCustomer(data.tx, input.tenantId, input.customerId);
        await data.record({ tenantId: input.tenantId, subjectIds: [input.customerId], reason: 'erasure_check' });
        return { held: holdIds.length > 0, holdIds };
      })
      .then((r) => {
        if (!r) throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask which holds stand');
        return r;
      });
  }
}

@Handles(RetentionOps.liftHold)
export class LiftLegalHoldUseCase implements UseCase<typeof RetentionOps.liftHold> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  async execute(scope: OperationScope<typeof RetentionOps.liftHold>, { id }: { id: string }) {
    const result = await this.access.run(scope, async (data) => {
      const hold = await this.repo.hold(data.tx, id, true);
      if (!hold) return null;
      if (hold.lifted_at) return 'lifted' as const;
      const lifted = await this.repo.liftHold(data.tx, id, scope.ctx.actorId ?? 'unknown', new Date());
      await data.record({ tenantId: hold.tenant_id, resource: { id }, reason: 'legal_hold_lifted' });
      return holdView(lifted);
    });
    if (result === null)
      return this.access.refuse(
        scope,
        { reason: 'not_found', resource: { id } },
        new FeatureError(RetentionError.HoldNotFound, 'no such legal hold'),
      );
    if (result === 'lifted') throw new FeatureError(RetentionError.HoldLifted, 'the legal hold was lifted already');
    return result;
  }
}

@Handles(RetentionOps.listRuns)
export class ListRetentionRunsUseCase implements UseCase<typeof RetentionOps.listRuns> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(scope: OperationScope<typeof RetentionOps.listRuns>, input: OpRequest<typeof RetentionOps.listRuns>) {
    return this.access.run(scope, async (data) => {
      const items = await this.repo.runs(data.tx, input);
      await data.record({ resource: { id: input.tenantId ?? null } });
      return { items };
    });
  }
}

/** The platform's schedule view: what will be purged when, what a hold blocks, the last run (keyset-paged). */
@Handles(RetentionOps.schedule)
export class RetentionScheduleUseCase implements UseCase<typeof RetentionOps.schedule> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  execute(scope: OperationScope<typeof RetentionOps.schedule>, input: OpRequest<typeof RetentionOps.schedule>) {
    const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      const rows = await this.repo.schedule(data.tx, {
        states: input.state ? [input.state] : ['cancelled', 'purging'],
        dueBefore: input.dueBefore ? new Date(input.dueBefore) : undefined,
        limit: input.limit + 1,
        after: after && { at: after.at, id: after.id },
      });
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      await data.record({ resource: { id: null } });
      return {
        items: page.map((r) => r.item),
        nextCursor: rows.length > input.limit && last ? encodeKeysetCursor(last.sortAt, last.item.tenantId) : null,
      };
    });
  }
}

@Handles(RetentionOps.certificate)
export class GetDeletionCertificateUseCase implements UseCase<typeof RetentionOps.certificate> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RetentionRepository,
  ) {}

  async execute(scope: OperationScope<typeof RetentionOps.certificate>, { id }: { id: string }) {
    const found = await this.access.run(scope, async (data) => {
      const c = await this.repo.certificate(data.tx, id);
      if (c.certificate) await data.record({ resource: { id } });
      return c;
    });
    if (!found.found)
      return this.access.refuse(
        scope,
        { reason: 'not_found', resource: { id } },
        new FeatureError(RetentionError.RunNotFound, 'no such retention run'),
      );
    if (!found.certificate)
      throw new FeatureError(
        RetentionError.CertificateNotReady,
        'this run has no certificate: it is not a completed purge',
      );
    return found.certificate;
  }
}

@Handles(RetentionOps.certificateKey)
export class GetCertificateKeyUseCase implements UseCase<typeof RetentionOps.certificateKey> {
  constructor(private readonly scheduler: RetentionScheduler) {}

  async execute() {
    const { kid, publicKey } = this.scheduler.publicKey;
    return { alg: 'Ed25519' as const, kid, publicKey: publicKey.toString('base64') };
  }
}

@Handles(RetentionOps.tick)
export class RetentionTickUseCase implements UseCase<typeof RetentionOps.tick> {
  constructor(private readonly scheduler: RetentionScheduler) {}

  execute(_scope: OperationScope<typeof RetentionOps.tick>, { asOf, tenantId }: { asOf: string; tenantId?: string }) {
    return this.scheduler.tick(new Date(asOf), tenantId);
  }
}
