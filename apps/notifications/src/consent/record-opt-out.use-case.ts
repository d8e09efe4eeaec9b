import { NotificationOps, type RecordOptOutRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { maskRecipient, recipientCategory, recipientIndex } from '../common/recipient.js';
import { RecipientPreferencesRepository } from './recipient-preferences.repository.js';

type Op = typeof NotificationOps.recordOptOut;

/** Opts a recipient out of every later message at once (or marks a number DND: no promotional SMS). */
@Handles(NotificationOps.recordOptOut)
export class RecordOptOutUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly prefs: RecipientPreferencesRepository,
  ) {}

  execute(scope: OperationScope<Op>, { recipient, kind }: RecordOptOutRequest) {
    const address = (recipient.phone ?? recipient.email)!;
    return this.access.run(scope, async (data) => {
      const flags = await this.prefs.mark(
        data,
        recipientIndex(data.cipher, address),
        kind === 'dnd' ? 'dnd' : 'opted_out',
      );
      await data.record({
        reason: kind,
        fields: [
          { name: 'recipient', category: recipientCategory(address) },
          { name: 'preferences', category: 'user.preferences' },
        ],
      });
      return { recipient: maskRecipient(address), optedOut: flags.optedOut, dnd: flags.dnd };
    });
  }
}
