import { Injectable } from '@nestjs/common';
import type { DispatchContent, NotificationDispatch } from '@lekha/contracts';
import { Clock } from '../common/clock.js';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from '../messages/message.repository.js';
import { DispatchQueueRepository } from '../outbound/dispatch-queue.repository.js';
import { platformTemplateKey } from '../outbound/platform-messages.js';

/**
 * Queues a platform message (identity's code, reset, invitation, new-device alert) in the durable
 * queue, encrypted under the tenant's key, with its audit record: the dispatcher sends it through the
 * platform's account. The message keeps the dispatch's ID, so a redelivered dispatch queues nothing twice.
 */
@Injectable()
export class QueuePlatformMessageUseCase {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly messages: MessageRepository,
    private readonly queue: DispatchQueueRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    m: NotificationDispatch & { tenantId: string },
    content: DispatchContent,
    customerId: string | null = null,
  ): Promise<boolean> {
    return this.access.run(m.tenantId, async (data) => {
      if (await this.messages.find(data, m.messageId)) return false;
      const now = this.clock.now();
      await this.messages.insert(data, {
        id: m.messageId,
        templateKey: platformTemplateKey(m.purpose),
        channel: m.channel,
        category: 'transactional',
        recipient: content.to,
        recipientIdx: recipientIndex(data.cipher, content.to),
        customerId,
        body: content.body,
        variables: [],
        status: 'queued',
        nextAttemptAt: now,
        createdAt: now,
      });
      await this.queue.enqueue(data, { messageId: m.messageId, at: now, category: 'transactional' });
      await data.record({
        action: 'create',
        resource: { id: m.messageId },
        fields: messageFields(content.to),
        subjectIds: customerId ? [customerId] : [],
        reason: m.purpose,
      });
      return true;
    });
  }
}
