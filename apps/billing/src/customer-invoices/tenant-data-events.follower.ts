import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema, type TenantDataEvent } from '@lekha/contracts';
import { AppLogger, BusSeal, KAFKA, SealedEventFollower, sealedRecordOpener } from '@lekha/runtime';
import { CustomerPseudonymiser } from './customer-pseudonymiser.js';
import { RecordPostings } from './record-postings.js';

/**
 * Follows `tenant-data.events.v1` in billing's own group (from the beginning: a service that was down
 * catches up) for customers' erasures and records' ledger postings (other record events are not billing's).
 * The offset is committed only after the event is applied, so a crash applies it again — which changes
 * nothing the second time.
 */
@Injectable()
export class BillingTenantDataFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: SealedEventFollower<TenantDataEvent>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) seal: BusSeal,
    private readonly pseudonymiser: CustomerPseudonymiser,
    private readonly postings: RecordPostings,
    private readonly logger: AppLogger,
  ) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'tenant-data events',
      topic: TENANT_DATA_EVENTS_TOPIC,
      groupId: 'billing.tenant-data-events',
      open: sealedRecordOpener(seal, TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema),
      what: 'tenant-data event',
      apply: (event) => this.apply(event),
      retrying: 'retrying customer erasure',
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  private async apply(event: TenantDataEvent): Promise<void> {
    if (event.type === 'record.posting') {
      const outcome = await this.postings.apply(event);
      this.logger.pino.info({ tenantId: event.tenantId, recordId: event.recordId, outcome }, 'record posting applied');
      return;
    }
    if (event.type !== 'customer.erased') return;
    const changed = await this.pseudonymiser.erase(event);
    this.logger.pino.info(
      { tenantId: event.tenantId, customerId: event.customerId, changed },
      'customer pseudonymised in billing',
    );
  }
}
