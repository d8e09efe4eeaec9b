import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  MAX_LINE_PAISE,
  TENANT_DATA_EVENTS_TOPIC,
  tenantDataEventSchema,
  uuidv7,
  type RecordChangedEvent,
  type TenantDataEvent,
} from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { afterCommit, Database, OutboxRelay } from '@lekha/persistence';
import { AppLogger, BusSeal, sealedOutboxRound } from '@lekha/runtime';
import { CustomerRepository } from '../customers/customer.repository.js';
import type { BusinessRecordRow } from '../records/business-record.entity.js';
import type { RecordTypeRow } from '../records/record-type.entity.js';

type Wake = () => void;

/**
 * Tenant-data's domain events, written into its outbox in the transaction of the change (so a change
 * never commits without its event, and a rolled-back one leaves none), sealed with the bus key on the
 * way in: the customer's name and contact a record event carries are ciphertext in the outbox too.
 */
@Injectable()
export class TenantDataEvents {
  private wake: Wake = () => undefined;

  constructor(
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly customers: CustomerRepository,
  ) {}

  onAppended(wake: Wake): void {
    this.wake = wake;
  }

  async append({ tx, tenantId }: TenantScope, event: TenantDataEvent): Promise<void> {
    const sealed = this.seal.sealRecord(TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema.parse(event));
    await tx.execute(`insert into tenant_data.event_outbox (tenant_id, sealed) values (?, ?)`, [tenantId, sealed]);
    afterCommit(tx, this.wake);
  }

  /** A record was created, updated or deleted: its type, links, plain operational fields and customer. */
  async recordChanged(
    scope: TenantScope,
    change: RecordChangedEvent['change'],
    row: BusinessRecordRow,
    recordType: string,
    previousAssigneeUserId: string | null,
  ): Promise<void> {
    const fields: RecordChangedEvent['fields'] = {};
    for (const [name, value] of Object.entries(row.operational ?? {}))
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
        fields[name] = value as string | number | boolean | null;
    const customer =
      change !== 'deleted' && row.customerId ? await this.customers.findById(scope, row.customerId) : null;
    await this.append(scope, {
      type: 'record.changed',
      eventId: uuidv7(),
      tenantId: scope.tenantId,
      recordId: row.id,
      change,
      recordType,
      customerId: row.customerId ?? null,
      assigneeUserId: row.assigneeUserId ?? null,
      previousAssigneeUserId,
      fields,
      customer: customer ? { name: customer.name, phone: customer.phone, email: customer.email } : null,
      occurredAt: new Date().toISOString(),
    });
  }

  /** A customer's name, phone or email changed: reminders pending for them follow it. */
  customerChanged(
    scope: TenantScope,
    customerId: string,
    customer: { name: string; phone: string | null; email: string | null },
  ): Promise<void> {
    return this.append(scope, {
      type: 'customer.changed',
      eventId: uuidv7(),
      tenantId: scope.tenantId,
      customerId,
      customer: { name: customer.name, phone: customer.phone, email: customer.email },
      occurredAt: new Date().toISOString(),
    });
  }

  /**
   * A record of a type that posts to the ledger (`x-ledger`) was created with an amount, or deleted: billing
   * posts the entry, or reverses it, once per record. Nothing for other types, or a record without an amount.
   */
  async recordPosting(
    scope: TenantScope,
    change: 'created' | 'deleted',
    row: BusinessRecordRow,
    type: RecordTypeRow,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const rule = type.schema['x-ledger'];
    if (!rule) return;
    const amount = data[rule.amountField];
    const posts = typeof amount === 'number' && Number.isInteger(amount) && amount >= 1 && amount <= MAX_LINE_PAISE;
    if (change === 'created' && !posts) return;
    const now = new Date();
    await this.append(scope, {
      type: 'record.posting',
      eventId: uuidv7(),
      tenantId: scope.tenantId,
      recordId: row.id,
      change,
      recordType: type.key,
      customerId: row.customerId ?? null,
      posting:
        change === 'created'
          ? {
              reason: rule.reason,
              amountPaise: amount as number,
              debit: rule.debit,
              credit: rule.credit,
              occurredOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now),
            }
          : null,
      occurredAt: now.toISOString(),
    });
  }

  customerErased(scope: TenantScope, customerId: string): Promise<void> {
    return this.append(scope, {
      type: 'customer.erased',
      eventId: uuidv7(),
      tenantId: scope.tenantId,
      customerId,
      occurredAt: new Date().toISOString(),
    });
  }
}

/**
 * Publishes the outbox to `tenant-data.events.v1` in insertion order (keyed by tenant: one tenant's
 * events stay in order), then deletes exactly what it published. A broker outage leaves rows waiting;
 * a crash between publish and delete publishes them again, and consumers are idempotent (a record's
 * reminders are recomputed only for an event newer than the last applied; an erasure is repeatable).
 */
@Injectable()
export class TenantDataEventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(db: Database, publisher: KafkaPublisher, logger: AppLogger, events: TenantDataEvents) {
    this.relay = new OutboxRelay({
      logger: logger.pino,
      round: sealedOutboxRound({ db, publisher, table: 'tenant_data.event_outbox', topic: TENANT_DATA_EVENTS_TOPIC }),
      failed: 'domain event relay cannot publish yet; events stay in the outbox',
      backoff: { fromMs: 200, maxMs: 5000 },
    });
    events.onAppended(() => this.relay.wake());
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
