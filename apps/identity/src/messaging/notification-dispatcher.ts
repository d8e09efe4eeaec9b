import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
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
import { KAFKA, MASTER_KEY } from '@lekha/runtime';
import { anonymousContext, contextToHeaders, currentContext } from '@lekha/tenancy';

/**
 * Asks the notifications service to deliver a message (an event on `notifications.dispatch.v1`).
 * Recipient and text are sealed before they reach the topic; nothing here logs them.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationShutdown {
  private producer: Promise<Producer> | null = null;
  private readonly transportKey: Buffer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MASTER_KEY) masterKey: Buffer,
  ) {
    this.transportKey = notificationTransportKey(masterKey);
  }

  private connect(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await p.connect();
        return p;
      } catch (err) {
        this.producer = null;
        throw err;
      }
    })();
    return this.producer;
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
      const producer = await this.connect();
      // Request and trace IDs travel for tracing; the caller's IP and user agent never reach this topic.
      const headers = contextToHeaders({
        ...(currentContext() ?? anonymousContext()),
        ip: undefined,
        userAgent: undefined,
      });
      await producer.send({
        topic: NOTIFICATIONS_DISPATCH_TOPIC,
        acks: -1,
        timeout: 5000,
        messages: [{ key: m.tenantId, value: JSON.stringify(event), headers }],
      });
    } catch {
      const broken = this.producer;
      this.producer = null;
      await broken?.then((p) => p.disconnect()).catch(() => undefined);
      throw new DomainError('SERVICE_UNAVAILABLE', 'the message could not be sent; retry shortly');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}
