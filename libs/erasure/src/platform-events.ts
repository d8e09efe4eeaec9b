import { Inject, Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS_TOPIC, platformEventSchema, type PlatformEvent } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { BusSeal } from '@lekha/runtime';

/**
 * Platform events (`platform.events.v1`): IDs and times only, and sealed with the bus key all the
 * same, because they are orders — a forged "erase this tenant" must not be taken for a real one.
 */
@Injectable()
export class PlatformEvents {
  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {}

  async publish(...events: PlatformEvent[]): Promise<void> {
    await this.publisher.send({
      topic: DOMAIN_EVENTS_TOPIC,
      timeout: 5000,
      messages: events.map((e) => ({
        key: e.tenantId,
        value: this.seal.sealRecord(DOMAIN_EVENTS_TOPIC, platformEventSchema.parse(e)),
      })),
    });
  }

  /** Opens and validates one record; null for anything not sealed with our bus key or not a known event. */
  open(value: Buffer | null): PlatformEvent | null {
    if (!value) return null;
    try {
      return platformEventSchema.parse(this.seal.openRecord(DOMAIN_EVENTS_TOPIC, value));
    } catch {
      return null;
    }
  }
}
