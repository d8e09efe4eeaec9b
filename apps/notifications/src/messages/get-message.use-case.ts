import { FeatureError, NotificationError, NotificationOps, type MessageView } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { messageFields } from '../common/recipient.js';
import { MessageRepository } from './message.repository.js';

type Op = typeof NotificationOps.getMessage;

/** One message with its masked recipient; another tenant’s id is an audited 404. */
@Handles(NotificationOps.getMessage)
export class GetMessageUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly messages: MessageRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<MessageView> {
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.messages.find(data, id);
        if (!row) return null;
        const view = this.messages.view(data, row);
        await data.record({
          resource: { id },
          subjectIds: row.customer_id ? [row.customer_id] : [],
          fields: messageFields(view.recipient).slice(0, 1),
        });
        return view;
      },
      () => new FeatureError(NotificationError.MessageNotFound, 'message not found'),
    );
  }
}
