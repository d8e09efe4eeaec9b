import { Inject, Injectable } from '@nestjs/common';
import { PRIVACY_CONSENTS_TOPIC, consentEventSchema, consentTransportKey, type ConsentEvent } from '@lekha/contracts';
import { open, seal } from '@lekha/crypto';
import { KafkaPublisher } from '@lekha/kafka';
import { BusSeal } from './bus-seal.js';
import { MASTER_KEY } from './keyring-module.js';

/**
 * Consent events (`privacy.consents.v1`): compliance's changes and each service's confirmation.
 * Every record is sealed with the bus key (a forged "consent given" must not be taken for a real
 * one); the principal's address inside a change is sealed again with the tenant's consent transport
 * key, so the only personal datum on the topic is never readable with the bus key alone.
 */
@Injectable()
export class ConsentEvents {
  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(BusSeal) private readonly seal: BusSeal,
    @Inject(MASTER_KEY) private readonly masterKey: Buffer,
  ) {}

  async publish(...events: ConsentEvent[]): Promise<void> {
    if (!events.length) return;
    await this.publisher.send({
      topic: PRIVACY_CONSENTS_TOPIC,
      timeout: 5000,
      messages: events.map((e) => ({
        key: e.tenantId,
        value: this.seal.sealRecord(PRIVACY_CONSENTS_TOPIC, consentEventSchema.parse(e)),
      })),
    });
  }

  /** Opens and validates one record; null for anything not sealed with our bus key or not a known event. */
  open(value: Buffer | null): ConsentEvent | null {
    if (!value) return null;
    try {
      return consentEventSchema.parse(this.seal.openRecord(PRIVACY_CONSENTS_TOPIC, value));
    } catch {
      return null;
    }
  }

  sealAddress(tenantId: string, actId: string, address: string): string {
    return seal(this.key(tenantId), Buffer.from(address, 'utf8'), this.aad(tenantId, actId)).toString('base64');
  }

  openAddress(tenantId: string, actId: string, sealed: string): string {
    return open(this.key(tenantId), Buffer.from(sealed, 'base64'), this.aad(tenantId, actId)).toString('utf8');
  }

  private key(tenantId: string): Buffer {
    return consentTransportKey(this.masterKey, tenantId);
  }

  private aad(tenantId: string, actId: string): Buffer {
    return Buffer.from(`lekha.consent-address/1\n${tenantId}\n${actId}`, 'utf8');
  }
}
