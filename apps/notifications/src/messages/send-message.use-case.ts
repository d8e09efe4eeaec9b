import { FeatureError, NotificationError, NotificationOps, type SendMessageRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { MessageQuota } from './message-quota.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IN_FLIGHT_STALE_MS, MessageAcceptance, type Accepted, type Refusal } from './message-acceptance.js';

type Op = typeof NotificationOps.send;

/**
 * Accepts a message for sending: the template, DLT, consent, opt-out and sending-window rules are
 * applied first (a refusal stores and sends nothing), then the message is stored encrypted and
 * queued — or deferred to its next window — in one transaction with its audit record. The
 * dispatcher sends it. The Idempotency-Key makes a retried request answer the first result. A recipient
 * given only by customer ID is addressed with the customer's phone or email from tenant-data (an unknown
 * customer: 404, nothing stored). Past the plan's messages a month: 402 PLAN_LIMIT_REACHED, nothing stored.
 */
@Handles(NotificationOps.send)
export class SendMessageUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly acceptance: MessageAcceptance,
    private readonly idempotency: IdempotencyRepository,
    private readonly clock: Clock,
    private readonly quota: MessageQuota,
  ) {}

  async execute(scope: OperationScope<Op>, input: SendMessageRequest): Promise<Accepted> {
    const { idempotencyKey, ...request } = input;
    const claim = await this.access.run(scope, async (data) => {
      const found = await this.idempotency.claim<Accepted>(
        data,
        idempotencyKey,
        this.acceptance.requestIndex(data, request),
        this.clock.now(),
        IN_FLIGHT_STALE_MS,
      );
      if (found.state === 'done')
        await data.record({ resource: { id: found.response.id }, reason: 'idempotent_replay' });
      if (found.state === 'mismatch' || found.state === 'in_flight')
        await data.record({ outcome: 'denied', reason: `idempotency_${found.state}` });
      return found;
    });
    if (claim.state === 'done') return claim.response;
    if (claim.state === 'mismatch')
      throw new FeatureError(
        NotificationError.IdempotencyKeyReused,
        'this Idempotency-Key was used with a different request',
      );
    if (claim.state === 'in_flight')
      throw new FeatureError(NotificationError.InFlight, 'a request with this Idempotency-Key is still in flight');

    // Asked of tenant-data as the caller, before the transaction opens; the key is released on a failure.
    let addressed: Awaited<ReturnType<MessageAcceptance['addressed']>>;
    try {
      addressed = await this.acceptance.addressed(request);
    } catch (err) {
      await this.access.run(scope, (data) => this.idempotency.release(data, idempotencyKey));
      throw err;
    }
    // The plan is read before the transaction: the month's count is locked only for local statements.
    const plan = await this.quota.plan(scope.ctx.tenantId);
    const result = await this.access.run(scope, async (data): Promise<Accepted | Refusal | { over: FeatureError }> => {
      const checked =
        'reason' in addressed
          ? addressed
          : await this.acceptance.check(data, addressed, this.acceptance.reads(data, plan));
      if ('reason' in checked) {
        await this.idempotency.release(data, idempotencyKey);
        await data.record({ outcome: 'denied', reason: checked.reason.toLowerCase().slice(0, 60) });
        return checked;
      }
      const { refusal } = await this.quota.admit(data, plan, 1, async () => {
        await this.acceptance.store(data, [checked]);
        await this.idempotency.settle(data, idempotencyKey, checked.accepted);
        await data.record(checked.record);
      });
      if (refusal) {
        await this.idempotency.release(data, idempotencyKey);
        await data.record({ outcome: 'denied', reason: 'plan_limit' });
        return { over: refusal };
      }
      return checked.accepted;
    });
    if ('over' in result) throw result.over;
    if ('reason' in result) throw new FeatureError(result.reason, result.message, result.details);
    return result;
  }
}
