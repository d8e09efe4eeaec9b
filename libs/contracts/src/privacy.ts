import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';
import { ConsentPurposes, type ConsentPurpose } from './notifications.js';

/* ---------------------------------------------------------------------------------------------
 * Consent (issue 12): purpose-level consent records owned by compliance, read by notifications.
 * ------------------------------------------------------------------------------------------- */

/** What a tenant's purpose lets notifications send: the consent kinds its lawful-send rule checks. */
export const ConsentGrants = ConsentPurposes;
export type ConsentGrant = ConsentPurpose;

/** A purpose's key in the tenant's list (`marketing`, `appointment_reminders`, …). */
export const purposeKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, '2–40 lower-case letters, digits and _, starting with a letter');

/** The purposes every tenant starts with; it may add its own or relabel these. */
export const DEFAULT_CONSENT_PURPOSES: readonly { key: string; label: string; grants: ConsentGrant }[] = [
  { key: 'marketing', label: 'Offers and promotions (SMS, email)', grants: 'promotional' },
  { key: 'whatsapp_updates', label: 'Updates on WhatsApp from this business', grants: 'whatsapp' },
  { key: 'appointment_reminders', label: 'Appointment and service reminders', grants: 'service_explicit' },
];

export const putConsentPurposeSchema = z.strictObject({
  key: purposeKeySchema,
  label: z.string().trim().min(1).max(200),
  grants: z.enum(ConsentGrants),
});
export type PutConsentPurposeRequest = z.infer<typeof putConsentPurposeSchema>;

export const consentPurposeViewSchema = z.object({
  key: z.string(),
  label: z.string(),
  grants: z.enum(ConsentGrants),
});
export type ConsentPurposeView = z.infer<typeof consentPurposeViewSchema>;

/** How the principal gave (or withdrew) consent. */
export const ConsentChannels = [
  'web',
  'app',
  'sms',
  'whatsapp',
  'email',
  'phone_call',
  'in_person',
  'paper',
  'api',
] as const;
export type ConsentChannel = (typeof ConsentChannels)[number];

/** The notice languages: English plus the 22 languages of the Eighth Schedule (ISO 639 codes). */
export const NoticeLanguages = [
  'en',
  'as',
  'bn',
  'brx',
  'doi',
  'gu',
  'hi',
  'kn',
  'ks',
  'kok',
  'mai',
  'ml',
  'mni',
  'mr',
  'ne',
  'or',
  'pa',
  'sa',
  'sat',
  'sd',
  'ta',
  'te',
  'ur',
] as const;

/** The principal a consent is about: a phone or an email (what messages are addressed to), and the customer. */
export const consentPrincipalSchema = z
  .strictObject({ customerId: z.uuid().optional(), phone: phoneSchema.optional(), email: emailSchema.optional() })
  .refine((p) => (p.phone === undefined) !== (p.email === undefined), {
    message: 'give exactly one of phone or email (the address messages are sent to)',
  });

const evidenceSchema = z.strictObject({
  /** How it was captured: `checkbox`, `signed form`, `verbal, recorded call`, `STOP reply`, … */
  method: z.string().trim().min(1).max(100),
  /** A reference to the proof (form number, call ID); encrypted at rest like personal data. */
  reference: z.string().trim().min(1).max(200).optional(),
});

export const giveConsentSchema = z.strictObject({
  principal: consentPrincipalSchema,
  purpose: purposeKeySchema,
  notice: z.strictObject({ version: z.string().trim().min(1).max(40), language: z.enum(NoticeLanguages) }),
  channel: z.enum(ConsentChannels),
  evidence: evidenceSchema,
  /** When the consent lapses by itself (checked whenever it is read: no job needed). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type GiveConsentRequest = z.infer<typeof giveConsentSchema>;

export const withdrawConsentSchema = z.strictObject({
  id: z.uuid(),
  channel: z.enum(ConsentChannels).default('api'),
  method: z.string().trim().min(1).max(100).optional(),
});
export type WithdrawConsentRequest = z.infer<typeof withdrawConsentSchema>;

export const withdrawConsentsOfSchema = z.strictObject({
  principal: consentPrincipalSchema,
  purpose: purposeKeySchema,
  channel: z.enum(ConsentChannels),
  method: z.string().trim().min(1).max(100).optional(),
});
export type WithdrawConsentsOfRequest = z.infer<typeof withdrawConsentsOfSchema>;

export const listConsentsSchema = z
  .strictObject({
    customerId: z.uuid().optional(),
    phone: phoneSchema.optional(),
    email: emailSchema.optional(),
    purpose: purposeKeySchema.optional(),
  })
  .refine((q) => [q.customerId, q.phone, q.email].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of customerId, phone or email',
  });
export type ListConsentsRequest = z.infer<typeof listConsentsSchema>;

/** Where a change stands in a service that must apply it (notifications today). */
export const consentApplicationSchema = z.object({
  service: z.string(),
  /** `erased`: the principal was erased and the view was told the consent is gone. */
  change: z.enum(['given', 'withdrawn', 'erased']),
  appliedAt: z.iso.datetime().nullable(),
});

export const consentViewSchema = z.object({
  id: z.uuid(),
  purpose: z.string(),
  grants: z.enum(ConsentGrants),
  principal: z.object({ customerId: z.uuid().nullable(), address: z.string() }),
  notice: z.object({ version: z.string(), language: z.string() }),
  channel: z.enum(ConsentChannels),
  givenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  evidence: z.object({
    recordedBy: z.object({ type: z.string(), id: z.string().nullable() }),
    method: z.string(),
    reference: z.string().nullable(),
  }),
  status: z.enum(['active', 'withdrawn', 'expired']),
  withdrawal: z
    .object({
      at: z.iso.datetime(),
      channel: z.enum(ConsentChannels),
      method: z.string().nullable(),
      recordedBy: z.object({ type: z.string(), id: z.string().nullable() }),
    })
    .nullable(),
  /** Per service, per change: when it was applied there (null: not yet). */
  applied: z.array(consentApplicationSchema),
  /**
   * Active, but given under a version of the notice older than its language's latest material change (and
   * not given again since under the current one): the principal must accept the new notice.
   */
  needsReacceptance: z.boolean(),
});
export type ConsentView = z.infer<typeof consentViewSchema>;

/* ---------------------------------------------------------------------------------------------
 * Propagation on `privacy.consents.v1` (sealed with the bus key; the address sealed again).
 * ------------------------------------------------------------------------------------------- */

/** The services that keep a view of consent and must confirm each change. */
export const CONSENT_APPLIERS = ['notifications'] as const;
export type ConsentApplier = (typeof CONSENT_APPLIERS)[number];

/**
 * A principal's consent for one grant changed. `state` is the principal's whole state for the grant
 * after the change (any active record of a purpose granting it), so applying is idempotent and the
 * highest `seq` wins whatever order the events arrive in.
 */
export const consentChangedEventSchema = z.object({
  type: z.literal('consent.changed'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  /**
   * The act (a consent given or withdrawn, or the principal's erasure) this event carries; the applier
   * confirms it by this ID.
   */
  actId: z.uuid(),
  seq: z.number().int().positive(),
  grant: z.enum(ConsentGrants),
  /** The address (E.164 phone or email) sealed with the tenant's consent transport key. */
  addressSealed: z.string().max(1000),
  state: z.object({ granted: z.boolean(), expiresAt: z.iso.datetime().nullable() }),
  changedAt: z.iso.datetime(),
});
export const consentAppliedEventSchema = z.object({
  type: z.literal('consent.applied'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  actId: z.uuid(),
  service: z.enum(CONSENT_APPLIERS),
  appliedAt: z.iso.datetime(),
});
export const consentEventSchema = z.discriminatedUnion('type', [consentChangedEventSchema, consentAppliedEventSchema]);
export type ConsentEvent = z.infer<typeof consentEventSchema>;
export type ConsentChangedEvent = z.infer<typeof consentChangedEventSchema>;
export type ConsentAppliedEvent = z.infer<typeof consentAppliedEventSchema>;

/**
 * The key that seals a principal's address inside a consent event, per tenant. Compliance and
 * notifications both derive it from the platform master key, so it never travels.
 */
export function consentTransportKey(masterKey: Buffer, tenantId: string): Buffer {
  return createHmac('sha256', masterKey).update(`privacy/consent-transport/v1\u0000${tenantId}`).digest();
}
