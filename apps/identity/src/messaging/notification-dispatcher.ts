import { Inject, Injectable } from '@nestjs/common';
import { KafkaPublisher } from '@lekha/kafka';
import { seal } from '@lekha/crypto';
import {
  DomainError,
  NOTIFICATIONS_DISPATCH_TOPIC,
  notificationDispatchSchema,
  notificationTransportKey,
  uuidv7,
  type DispatchContent,
  type NotificationDispatch,
  type NotificationPurpose,
} from '@lekha/contracts';
import { MASTER_KEY } from '@lekha/runtime';
import { anonymousContext, contextToHeaders, currentContext } from '@lekha/tenancy';

/**
 * Asks the notifications service to deliver a message (an event on `notifications.dispatch.v1`).
 * Recipient and text are sealed before they reach the topic; nothing here logs them.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly transportKey: Buffer;

  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(MASTER_KEY) masterKey: Buffer,
  ) {
    this.transportKey = notificationTransportKey(masterKey);
  }

  async send(
    m: { tenantId: string; channel: 'sms' | 'email'; purpose: NotificationPurpose } & DispatchContent,
  ): Promise<void> {
    const messageId = uuidv7();
    const content: DispatchContent = { to: m.to, body: m.body };
    const sealed = seal(this.transportKey, Buffer.from(JSON.stringify(content)), Buffer.from(messageId)).toString(
      'base64',
    );
    const event: NotificationDispatch = notificationDispatchSchema.parse({
      messageId,
      tenantId: m.tenantId,
      channel: m.channel,
      purpose: m.purpose,
      sealed,
    });
    try {
      // Request and trace IDs travel for tracing; the caller's IP and user agent never reach this topic.
      const headers = contextToHeaders({
        ...(currentContext() ?? anonymousContext()),
        ip: undefined,
        userAgent: undefined,
      });
      await this.publisher.send({
        topic: NOTIFICATIONS_DISPATCH_TOPIC,
        timeout: 5000,
        messages: [{ key: m.tenantId, value: JSON.stringify(event), headers }],
      });
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', 'the message could not be sent; retry shortly');
    }
  }
}
