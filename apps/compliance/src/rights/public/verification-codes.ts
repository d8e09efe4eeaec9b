import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { KafkaPublisher } from '@lekha/kafka';
import { seal } from '@lekha/crypto';
import {
  NOTIFICATIONS_DISPATCH_TOPIC,
  notificationDispatchSchema,
  notificationTransportKey,
  uuidv7,
  type DispatchContent,
} from '@lekha/contracts';
import { MASTER_KEY } from '@lekha/runtime';
import { anonymousContext, contextToHeaders } from '@lekha/tenancy';

/**
 * The public route's secrets: 6-digit codes (kept only as a keyed hash bound to the verification), the
 * caller's IP as a keyed hash (for its rate limit), and the message that carries a code to the address
 * on record, through notifications as a platform message (sealed on the topic like identity's codes).
 */
@Injectable()
export class VerificationCodes {
  private readonly hashKey: Buffer;
  private readonly transportKey: Buffer;

  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(MASTER_KEY) masterKey: Buffer,
  ) {
    this.hashKey = createHmac('sha256', masterKey).update('privacy/public-verification/v1').digest();
    this.transportKey = notificationTransportKey(masterKey);
  }

  newCode(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  hash(verificationId: string, code: string): string {
    return createHmac('sha256', this.hashKey).update(`code\u0000${verificationId}\u0000${code}`).digest('base64url');
  }

  matches(stored: string | null, verificationId: string, code: string): boolean {
    // An unknown address has no code: the same comparison runs against a hash nothing matches.
    const expected = Buffer.from(stored ?? this.hash(verificationId, 'none'));
    const given = Buffer.from(this.hash(verificationId, code));
    return expected.length === given.length && timingSafeEqual(expected, given) && stored !== null;
  }

  /** A read token for a verified request: 32 random bytes; only `readTokenHash` of it is kept. */
  newReadToken(): string {
    return randomBytes(32).toString('base64url');
  }

  readTokenHash(token: string): string {
    return createHmac('sha256', this.hashKey).update(`read\u0000${token}`).digest('base64url');
  }

  ipHash(ip: string | undefined): string | null {
    return ip ? createHmac('sha256', this.hashKey).update(`ip\u0000${ip}`).digest('base64url') : null;
  }

  /** Hands the code to notifications for the address on record (SMS for a phone, email for an email). */
  async send(tenantId: string, to: string, body: string): Promise<void> {
    const messageId = uuidv7();
    const content: DispatchContent = { to, body };
    const sealed = seal(this.transportKey, Buffer.from(JSON.stringify(content)), Buffer.from(messageId));
    const event = notificationDispatchSchema.parse({
      messageId,
      tenantId,
      channel: to.includes('@') ? 'email' : 'sms',
      purpose: 'privacy_verification',
      sealed: sealed.toString('base64'),
    });
    const headers = contextToHeaders(anonymousContext({ tenantId, actorType: 'service', actorId: 'compliance' }));
    await this.publisher.send({
      topic: NOTIFICATIONS_DISPATCH_TOPIC,
      timeout: 5000,
      messages: [{ key: tenantId, value: JSON.stringify(event), headers }],
    });
  }
}
