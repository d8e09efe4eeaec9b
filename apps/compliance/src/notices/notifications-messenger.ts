import { Inject, Injectable } from '@nestjs/common';
import { KafkaPublisher } from '@lekha/kafka';
import { seal } from '@lekha/crypto';
import {
  NOTIFICATIONS_DISPATCH_TOPIC,
  NotificationOps,
  notificationDispatchSchema,
  notificationTransportKey,
  type AddressedDispatchContent,
  type NotificationDispatch,
} from '@lekha/contracts';
import { MASTER_KEY, ServiceBus } from '@lekha/runtime';
import { anonymousContext, contextToHeaders, runWithContext } from '@lekha/tenancy';
import { NoticeMessenger, type DeliveryStatus, type OutgoingNotice } from './notice-messenger.js';

/**
 * Compliance's notices through notifications: each is a platform message on `notifications.dispatch.v1`
 * addressed by ID only (the tenant's owner, or a customer by customer ID) and sealed with the
 * dispatch transport key; notifications finds the contact, queues the message under the notice's ID
 * (so a repeated hand-over queues nothing twice) and sends it through the platform's providers.
 * Delivery statuses are read back from notifications over the bus (`notifications.messages.statuses`).
 */
@Injectable()
export class NotificationsNoticeMessenger extends NoticeMessenger {
  private readonly transportKey: Buffer;

  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(MASTER_KEY) masterKey: Buffer,
    private readonly serviceBus: ServiceBus,
  ) {
    super();
    this.transportKey = notificationTransportKey(masterKey);
  }

  async send(n: OutgoingNotice): Promise<void> {
    const content: AddressedDispatchContent = { recipient: n.to, body: n.body };
    const sealed = seal(this.transportKey, Buffer.from(JSON.stringify(content)), Buffer.from(n.id)).toString('base64');
    const event: NotificationDispatch = notificationDispatchSchema.parse({
      messageId: n.id,
      tenantId: n.tenantId,
      // A preference: notifications sends by SMS when the recipient has no email.
      channel: 'email',
      purpose: n.purpose,
      sealed,
    });
    const headers = contextToHeaders(
      anonymousContext({ tenantId: n.tenantId, actorType: 'service', actorId: 'compliance' }),
    );
    await this.publisher.send({
      topic: NOTIFICATIONS_DISPATCH_TOPIC,
      timeout: 5000,
      messages: [{ key: n.tenantId, value: JSON.stringify(event), headers }],
    });
  }

  async statuses(tenantId: string, messageIds: string[]): Promise<Map<string, DeliveryStatus>> {
    const bus = await this.serviceBus.connected('notifications cannot be reached; retry shortly');
    const found = new Map<string, DeliveryStatus>();
    for (let i = 0; i < messageIds.length; i += 500) {
      // As this service, with no tenant in the context (a service caller has none): the request names it.
      const reply = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'compliance' }), () =>
        bus.invoke(NotificationOps.statuses, { tenantId, ids: messageIds.slice(i, i + 500) }),
      );
      for (const s of reply.items) found.set(s.id, { status: s.status, at: s.at });
    }
    return found;
  }
}
