import {
  NotificationError,
  PlanError,
  NotificationOps,
  wireCodeOf,
  type SendBatchItemResult,
  type SendMessageBatchRequest,
} from '@lekha/contracts';
import { oneRecordPerBatch, TenantAccess, type ScopedRecord } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { MessageQuota } from './message-quota.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IN_FLIGHT_STALE_MS, MessageAcceptance, type Accepted, type PlannedMessage } from './message-acceptance.js';

type Op = typeof NotificationOps.sendBatch;

const refused = (reason: NotificationError | PlanError, message: string): SendBatchItemResult => ({
  error: { code: wireCodeOf(reason), reason, message },
});

/**
 * Many sends in one request (`POST /v1/notifications/messages/batch`): each item is exactly the send
 * `POST /v1/notifications/messages` would make with its own Idempotency-Key — the same rules, the same
 * refusals (as that item's result, never failing the others), the same replay of a settled key — and
 * each accepted or refused item has its own audit record. Two transactions for the whole batch: the
 * keys are claimed (and committed `in_flight`) first, then every item is checked, stored and queued,
 * or refused, with the tenant's settings and templates read once.
 */
@Handles(NotificationOps.sendBatch)
export class SendMessageBatchUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly acceptance: MessageAcceptance,
    private readonly idempotency: IdempotencyRepository,
    private readonly clock: Clock,
    private readonly quota: MessageQuota,
  ) {}

  async execute(scope: OperationScope<Op>, input: SendMessageBatchRequest): Promise<{ items: SendBatchItemResult[] }> {
    const items = input.items.map(({ idempotencyKey, ...request }) => ({ idempotencyKey, request }));
    const claims = await this.access.run(scope, async (data) => {
      const found = await this.idempotency.claimMany<Accepted>(
        data,
        items.map((item) => ({
          key: item.idempotencyKey,
          requestIdx: this.acceptance.requestIndex(data, item.request),
        })),
        this.clock.now(),
        IN_FLIGHT_STALE_MS,
      );
      const records: ScopedRecord[] = [];
      for (const claim of found) {
        if (claim.state === 'done') records.push({ resource: { id: claim.response.id }, reason: 'idempotent_replay' });
        if (claim.state === 'mismatch' || claim.state === 'in_flight')
          records.push({ outcome: 'denied', reason: `idempotency_${claim.state}` });
      }
      if (records.length) await data.record(...records);
      return found;
    });

    const results: SendBatchItemResult[] = claims.map((claim) => {
      if (claim.state === 'done') return claim.response;
      if (claim.state === 'mismatch')
        return refused(NotificationError.IdempotencyKeyReused, 'this idempotencyKey was used with a different request');
      if (claim.state === 'in_flight')
        return refused(NotificationError.InFlight, 'a request with this idempotencyKey is still in flight');
      return refused(NotificationError.InFlight, 'not taken up');
    });
    const fresh = claims.flatMap((c, i) => (c.state === 'new' ? [i] : []));
    if (!fresh.length) return { items: results };

    // Items given by customer ID alone are addressed first, as the caller, outside the transaction.
    let addressed: Awaited<ReturnType<MessageAcceptance['addressed']>>[];
    try {
      addressed = await Promise.all(fresh.map((i) => this.acceptance.addressed(items[i]!.request)));
    } catch (err) {
      await this.access.run(scope, async (data) => {
        for (const i of fresh) await this.idempotency.release(data, items[i]!.idempotencyKey);
      });
      throw err;
    }
    // The plan is read before the transaction: the month's count is locked only for local statements.
    const plan = await this.quota.plan(scope.ctx.tenantId);
    await this.access.run(scope, async (data) => {
      const addresses = addressed.flatMap((r) =>
        'reason' in r ? [] : [r.to.phone, r.to.email].filter((a): a is string => !!a),
      );
      const reads = this.acceptance.reads(data, plan, addresses);
      const records: ScopedRecord[] = [];
      const checked: { i: number; outcome: PlannedMessage }[] = [];
      for (const [n, i] of fresh.entries()) {
        const { idempotencyKey } = items[i]!;
        const request = addressed[n]!;
        const outcome = 'reason' in request ? request : await this.acceptance.check(data, request, reads);
        if ('reason' in outcome) {
          await this.idempotency.release(data, idempotencyKey);
          records.push({ outcome: 'denied', reason: outcome.reason.toLowerCase().slice(0, 60) });
          results[i] = refused(outcome.reason, outcome.message);
          continue;
        }
        checked.push({ i, outcome });
      }
      // The plan's messages a month: the items that fit are accepted in order, the rest refused.
      const { admitted, refusal } = await this.quota.admit(data, plan, checked.length, async (k) => {
        const fit = checked.slice(0, k);
        await this.acceptance.store(
          data,
          fit.map((c) => c.outcome),
        );
        await this.idempotency.settleMany(
          data,
          fit.map(({ i, outcome }) => ({ key: items[i]!.idempotencyKey, response: outcome.accepted })),
        );
        // The accepted items: one audit record per outcome naming their messages and recipients.
        await data.record(...records, ...oneRecordPerBatch(fit.map((c) => c.outcome.record)));
      });
      for (const { i, outcome } of checked.slice(0, admitted)) results[i] = outcome.accepted;
      const over = checked.slice(admitted);
      for (const { i } of over) {
        await this.idempotency.release(data, items[i]!.idempotencyKey);
        results[i] = refused(refusal!.reason as PlanError, refusal!.message);
      }
      // The refused items' records went in with the stored ones; with none stored, they go in here.
      const unrecorded = [
        ...(admitted ? [] : records),
        ...over.map(() => ({ outcome: 'denied' as const, reason: 'plan_limit' })),
      ];
      if (unrecorded.length) await data.record(...unrecorded);
    });
    return { items: results };
  }
}
