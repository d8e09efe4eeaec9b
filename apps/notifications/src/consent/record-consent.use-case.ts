import { NotificationOps, type RecordConsentRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { maskRecipient, recipientCategory, recipientIndex } from '../common/recipient.js';
import { RecipientPreferencesRepository } from './recipient-preferences.repository.js';

type Op = typeof NotificationOps.recordConsent;

/**
 * Records a principal's consent (or its withdrawal) for a purpose; a withdrawal binds every later
 * send and every queued message at once. Compliance will own consent records; until then they live here.
 */
@Handles(NotificationOps.recordConsent)
export class RecordConsentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly prefs: RecipientPreferencesRepository,
  ) {}

  execute(scope: OperationScope<Op>, { recipient, purpose, granted }: RecordConsentRequest) {
    const address = (recipient.phone ?? recipient.email)!;
    return this.access.run(scope, async (data) => {
      const at = await this.prefs.setConsent(data, recipientIndex(data.cipher, address), purpose, granted);
      await data.record({
        reason: granted ? `consent_${purpose}` : `withdrawn_${purpose}`,
        fields: [
          { name: 'recipient', category: recipientCategory(address) },
          { name: 'consent', category: 'user.consent' },
        ],
      });
      return { recipient: maskRecipient(address), purpose, granted, updatedAt: at.toISOString() };
    });
  }
}
