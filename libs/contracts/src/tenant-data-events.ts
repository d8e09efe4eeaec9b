import { z } from 'zod';

/**
 * Events on `tenant-data.events.v1`. Each is sealed whole with the bus key (it is written sealed into
 * tenant-data's outbox, in the transaction of the change, and published from there), so the customer's
 * name and contact a record event carries are never plaintext on Kafka or in the outbox.
 */

/** An operational field of a record as it travels: scalars only (dates and times as their ISO text). */
export const recordEventFieldSchema = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

/** The linked customer's name and contact at the time of the change (for reminders addressed to them). */
export const recordEventCustomerSchema = z.strictObject({
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});
export type RecordEventCustomer = z.infer<typeof recordEventCustomerSchema>;

export const recordChangedEventSchema = z.strictObject({
  type: z.literal('record.changed'),
  /** uuidv7: ordered by time, so a consumer keeps the latest it applied per record and ignores older ones. */
  eventId: z.uuid(),
  tenantId: z.uuid(),
  recordId: z.uuid(),
  change: z.enum(['created', 'updated', 'deleted']),
  /** The record type's key (e.g. `appointment`). */
  recordType: z.string().max(64),
  customerId: z.uuid().nullable(),
  assigneeUserId: z.uuid().nullable(),
  /** The assignee before this change (null on create): `assigned` means it changed to someone. */
  previousAssigneeUserId: z.uuid().nullable(),
  /** The record's operational (plain) scalar fields: dates and times such as `startsAt`, `dueOn`. */
  fields: z.record(z.string().max(64), recordEventFieldSchema),
  customer: recordEventCustomerSchema.nullable(),
  occurredAt: z.iso.datetime(),
});
export type RecordChangedEvent = z.infer<typeof recordChangedEventSchema>;

/** A customer was deleted for good: every service deletes what it holds of them and confirms. */
export const customerErasedEventSchema = z.strictObject({
  type: z.literal('customer.erased'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  customerId: z.uuid(),
  occurredAt: z.iso.datetime(),
});
export type CustomerErasedEvent = z.infer<typeof customerErasedEventSchema>;

/**
 * A customer's name, phone or email changed: pending reminders addressed to them follow the new contact
 * (notifications re-addresses them, or cancels one whose channel has no address any more).
 */
export const customerChangedEventSchema = z.strictObject({
  type: z.literal('customer.changed'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  customerId: z.uuid(),
  customer: recordEventCustomerSchema,
  occurredAt: z.iso.datetime(),
});
export type CustomerChangedEvent = z.infer<typeof customerChangedEventSchema>;

const postingSide = z.union([z.literal('customer_receivable'), z.strictObject({ accountCode: z.string().max(40) })]);

/**
 * A record whose type posts to the ledger (`x-ledger`) was created (post) or deleted (reverse): billing posts
 * or reverses the entry once per record (`recordId` is the entry's source).
 */
export const recordPostingEventSchema = z.strictObject({
  type: z.literal('record.posting'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  recordId: z.uuid(),
  change: z.enum(['created', 'deleted']),
  recordType: z.string().max(64),
  customerId: z.uuid().nullable(),
  /** What to post (on `created`); null on `deleted`, which reverses whatever the record posted. */
  posting: z
    .strictObject({
      reason: z.string().max(40),
      amountPaise: z.number().int().min(1).max(1_000_000_000_000),
      debit: postingSide,
      credit: postingSide,
      /** The value date (India), `YYYY-MM-DD`. */
      occurredOn: z.iso.date(),
    })
    .nullable(),
  occurredAt: z.iso.datetime(),
});
export type RecordPostingEvent = z.infer<typeof recordPostingEventSchema>;

export const tenantDataEventSchema = z.discriminatedUnion('type', [
  recordPostingEventSchema,
  recordChangedEventSchema,
  customerErasedEventSchema,
  customerChangedEventSchema,
]);
export type TenantDataEvent = z.infer<typeof tenantDataEventSchema>;
