import {
  CONSENT_APPLIERS,
  FeatureError,
  PrivacyError,
  PrivacyOps,
  uuidv7,
  type GiveConsentRequest,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { ConsentClock } from '../consent-clock.js';
import { addressCategory, principalIndex } from '../consent-view.js';
import { ConsentViews } from '../consent-views.js';
import { ConsentRelay } from '../consent-relay.js';
import { ConsentRepository } from '../consent.repository.js';

type Op = typeof PrivacyOps.giveConsent;

/**
 * Records a principal's consent for one of the tenant's purposes, as given: the notice version and
 * language shown, the channel, who recorded it and how, an optional expiry. The address is encrypted
 * and blind-indexed under the tenant's key; the act is queued for every service that keeps a consent
 * view in the same transaction, so a crash after the commit loses nothing.
 */
@Handles(PrivacyOps.giveConsent)
export class GiveConsentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
    private readonly views: ConsentViews,
    private readonly clock: ConsentClock,
    private readonly relay: ConsentRelay,
  ) {}

  async execute(scope: OperationScope<Op>, input: GiveConsentRequest) {
    const now = this.clock.now();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime())
      throw new FeatureError(PrivacyError.ExpiryPast, 'expiresAt must be in the future');
    const address = (input.principal.phone ?? input.principal.email)!;
    const result = await this.access.run(scope, async (data) => {
      const purpose = (await this.consents.purposes(data)).find((p) => p.key === input.purpose);
      if (!purpose) {
        await data.record({ outcome: 'denied', reason: 'purpose_unknown' });
        return null;
      }
      const id = uuidv7();
      await this.consents.insertRecord(data, {
        id,
        customerId: input.principal.customerId ?? null,
        principalIdx: principalIndex(data.cipher, address),
        addressEnc: data.cipher.encrypt('consent.address', address)!,
        purpose: purpose.key,
        grants: purpose.grants,
        noticeVersion: input.notice.version,
        noticeLanguage: input.notice.language,
        channel: input.channel,
        givenAt: now,
        expiresAt,
        recordedBy: { type: scope.ctx.actorType, id: scope.ctx.actorId },
        evidenceMethod: input.evidence.method,
        evidenceReferenceEnc: data.cipher.encrypt('consent.evidence_reference', input.evidence.reference),
      });
      await this.consents.enqueue(data, id, CONSENT_APPLIERS, now);
      await data.record({
        resource: { id },
        subjectIds: input.principal.customerId ? [input.principal.customerId] : [],
        reason: `given_${purpose.key}`.slice(0, 60),
        fields: [
          { name: 'principal', category: addressCategory(address) },
          { name: 'consent', category: 'user.consent' },
        ],
      });
      const [view] = await this.views.of(data, [(await this.consents.find(data, id))!]);
      return view!;
    });
    if (!result)
      throw new FeatureError(PrivacyError.PurposeUnknown, `"${input.purpose}" is not one of the tenant's purposes`);
    this.relay.nudge();
    return result;
  }
}
