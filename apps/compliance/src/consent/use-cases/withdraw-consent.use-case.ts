import {
  CONSENT_APPLIERS,
  FeatureError,
  PrivacyError,
  PrivacyOps,
  uuidv7,
  type ConsentChannel,
  type WithdrawConsentRequest,
  type WithdrawConsentsOfRequest,
} from '@lekha/contracts';
import { TenantAccess, type TenantScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { ConsentClock } from '../consent-clock.js';
import { addressCategory, principalIndex } from '../consent-view.js';
import { ConsentViews } from '../consent-views.js';
import { ConsentRelay } from '../consent-relay.js';
import { ConsentRepository, type ConsentRecordRow } from '../consent.repository.js';

/**
 * Adds a withdrawal to a record (the record itself is never changed) and queues it for the consent views;
 * false when another withdrawal of the record got there first.
 */
async function withdraw(
  consents: ConsentRepository,
  data: TenantScope,
  scope: OperationScope,
  row: ConsentRecordRow,
  how: { channel: ConsentChannel; method?: string | undefined },
  at: Date,
): Promise<boolean> {
  const id = uuidv7();
  const added = await consents.insertWithdrawal(data, {
    id,
    recordId: row.id,
    at,
    channel: how.channel,
    method: how.method ?? null,
    recordedBy: { type: scope.ctx.actorType, id: scope.ctx.actorId },
  });
  if (!added) return false;
  await consents.enqueue(data, id, CONSENT_APPLIERS, at);
  return true;
}

/** Withdraws one consent by its ID: as easy as giving it. A record of another tenant is a 404, audited. */
@Handles(PrivacyOps.withdrawConsent)
export class WithdrawConsentUseCase implements UseCase<typeof PrivacyOps.withdrawConsent> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
    private readonly views: ConsentViews,
    private readonly clock: ConsentClock,
    private readonly relay: ConsentRelay,
  ) {}

  async execute(scope: OperationScope<typeof PrivacyOps.withdrawConsent>, input: WithdrawConsentRequest) {
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.consents.find(data, input.id);
        if (!row) return null;
        if (row.withdrawal_id || !(await withdraw(this.consents, data, scope, row, input, this.clock.now()))) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'already_withdrawn' });
          return { already: true as const };
        }
        await data.record({
          resource: { id: row.id },
          subjectIds: row.customer_id ? [row.customer_id] : [],
          reason: `withdrawn_${row.purpose}`.slice(0, 60),
          fields: [{ name: 'consent', category: 'user.consent' }],
        });
        const [view] = await this.views.of(data, [(await this.consents.find(data, row.id))!]);
        return { view: view! };
      },
      () => new FeatureError(PrivacyError.ConsentNotFound, 'no such consent'),
    );
    if ('already' in result)
      throw new FeatureError(PrivacyError.NothingToWithdraw, 'this consent is already withdrawn');
    this.relay.nudge();
    return result.view;
  }
}

/** Withdraws every active consent of a principal (by the address it was given for) for one purpose. */
@Handles(PrivacyOps.withdrawConsentsOf)
export class WithdrawConsentsOfUseCase implements UseCase<typeof PrivacyOps.withdrawConsentsOf> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
    private readonly views: ConsentViews,
    private readonly clock: ConsentClock,
    private readonly relay: ConsentRelay,
  ) {}

  async execute(scope: OperationScope<typeof PrivacyOps.withdrawConsentsOf>, input: WithdrawConsentsOfRequest) {
    const address = (input.principal.phone ?? input.principal.email)!;
    const now = this.clock.now();
    const items = await this.access.run(scope, async (data) => {
      const rows = await this.consents.list(data, {
        principalIdx: principalIndex(data.cipher, address),
        purpose: input.purpose,
      });
      const open = rows.filter((r) => !r.withdrawal_id);
      // A record another withdrawal reached first is not withdrawn twice.
      const active: typeof open = [];
      for (const row of open) if (await withdraw(this.consents, data, scope, row, input, now)) active.push(row);
      if (!active.length) {
        await data.record({ outcome: 'denied', reason: 'nothing_to_withdraw' });
        return null;
      }
      await data.record(
        ...active.map((row) => ({
          resource: { id: row.id },
          subjectIds: row.customer_id ? [row.customer_id] : [],
          reason: `withdrawn_${row.purpose}`.slice(0, 60),
          fields: [
            { name: 'principal', category: addressCategory(address) },
            { name: 'consent', category: 'user.consent' },
          ],
        })),
      );
      const after = await Promise.all(active.map((r) => this.consents.find(data, r.id)));
      return this.views.of(
        data,
        after.map((r) => r!),
      );
    });
    if (!items)
      throw new FeatureError(
        PrivacyError.NothingToWithdraw,
        'the principal has no consent for this purpose that is not already withdrawn',
      );
    this.relay.nudge();
    return { items };
  }
}
