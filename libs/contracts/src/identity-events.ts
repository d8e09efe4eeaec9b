import { z } from 'zod';

/**
 * Events on `identity.events.v1`. Each is sealed whole with the bus key (identity writes it sealed into
 * its outbox in the transaction of the staff change and publishes it from there), so a staff member's
 * phone and email are never plaintext on Kafka or in the outbox.
 */

/**
 * A tenant's staff user as a service may address them (a caretaker's maintenance alert): their sign-in
 * phone and email, or — `active: false`, contact null — a tombstone when they are deactivated. The
 * latest event per user wins (event IDs are uuidv7, ordered by time).
 */
export const staffContactEventSchema = z.strictObject({
  type: z.literal('staff.contact'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  userId: z.uuid(),
  active: z.boolean(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});
export type StaffContactEvent = z.infer<typeof staffContactEventSchema>;

export const identityEventSchema = z.discriminatedUnion('type', [staffContactEventSchema]);
export type IdentityEvent = z.infer<typeof identityEventSchema>;
