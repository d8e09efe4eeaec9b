import { NotificationOps, decodeKeysetCursor, encodeKeysetCursor, type ListMessagesRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { recipientCategory } from '../common/recipient.js';
import { MessageRepository } from './message.repository.js';

type Op = typeof NotificationOps.listMessages;

/** Messages newest first, filtered by status or customer, recipients masked. */
@Handles(NotificationOps.listMessages)
export class ListMessagesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly messages: MessageRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: ListMessagesRequest) {
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      const rows = await this.messages.page(data, {
        status: q.status,
        customerId: q.customerId,
        recordId: q.recordId,
        after: cursor ? { createdAt: cursor.at, id: cursor.id } : undefined,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const items = page.map((r) => this.messages.view(data, r));
      const last = page[page.length - 1];
      const categories = new Set(items.map((m) => recipientCategory(m.recipient)));
      await data.record({
        subjectIds: [...new Set(page.map((r) => r.customer_id).filter((c): c is string => c !== null))],
        fields: [...categories].map((category) => ({ name: 'recipient', category })),
      });
      return {
        items,
        nextCursor: rows.length > q.limit && last ? encodeKeysetCursor(new Date(last.created_at), last.id) : null,
      };
    });
  }
}
