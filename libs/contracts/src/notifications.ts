import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';

export const NotificationPurposes = [
  'otp_login',
  'password_reset',
  'invitation',
  'security_alert',
  // Compliance's notices (addressed by ID: see `AddressedDispatchContent`).
  'legal_request_notice',
  'breach_notice',
  // Compliance's notice to the tenant's owner that support asks for access.
  'support_access_request',
  // Compliance's notice to the tenant's owner that the platform opened break-glass access (P42).
  'break_glass_access',
  'retention_notice',
  // Compliance's one-time code for a principal's public rights request or consent withdrawal.
  'privacy_verification',
  // Compliance's notice of a material change to a tenant's privacy notice (issue 12).
  'privacy_notice_change',
] as const;
export type NotificationPurpose = (typeof NotificationPurposes)[number];

/**
 * A message another service asks notifications to deliver (topic `notifications.dispatch.v1`).
 * The recipient and text are personal data, so they travel only sealed (AES-256-GCM under a
 * transport key both services derive from the master key); the envelope carries IDs only.
 */
export const notificationDispatchSchema = z.strictObject({
  messageId: z.uuid(),
  tenantId: z.uuid().nullable(),
  channel: z.enum(['sms', 'email']),
  purpose: z.enum(NotificationPurposes),
  sealed: z.base64().max(20_000),
});
export type NotificationDispatch = z.infer<typeof notificationDispatchSchema>;

/** What the sealed part holds. */
export interface DispatchContent {
  to: string;
  body: string;
}

/**
 * What the sealed part holds when the sender knows the recipient only by ID (compliance's register
 * notices): the tenant's owner, or a customer of the tenant. Notifications finds the contact.
 */
export interface AddressedDispatchContent {
  recipient: { tenantOwner: true } | { customerId: string } | { address: string };
  body: string;
}

/** Development inbox lookup: one recipient, as typed (normalised like a login identifier). */
export const devInboxQuerySchema = z.strictObject({ to: z.union([emailSchema, phoneSchema]) });
export type DevInboxQuery = z.infer<typeof devInboxQuerySchema>;

export interface DevInboxMessage {
  id: string;
  channel: 'sms' | 'email' | 'whatsapp';
  purpose: string;
  body: string;
  createdAt: string;
}

/**
 * The key that seals dispatch payloads on the topic. Both ends derive it from the platform master
 * key, so it never travels; the topic keeps messages an hour.
 */
export function notificationTransportKey(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update('notifications/dispatch-transport/v1').digest();
}

/* ---------------------------------------------------------------------------------------------
 * Tenant messaging (issue 11): templates, settings, sends, consent and opt-outs.
 * ------------------------------------------------------------------------------------------- */

export const MessageChannels = ['sms', 'whatsapp', 'email'] as const;
export type MessageChannel = (typeof MessageChannels)[number];

/** DLT content categories (TRAI TCCCPR); promotional and service-explicit need the principal's consent. */
export const TemplateCategories = ['transactional', 'service_implicit', 'service_explicit', 'promotional'] as const;
export type TemplateCategory = (typeof TemplateCategories)[number];

/**
 * Recorded consents: for the categories that need one (service-explicit, promotional), and `whatsapp` —
 * the principal's WhatsApp opt-in naming this business, needed for any message it starts outside the
 * 24-hour window.
 */
export const ConsentPurposes = ['service_explicit', 'promotional', 'whatsapp'] as const;
export type ConsentPurpose = (typeof ConsentPurposes)[number];

/** The providers a tenant may list (the same names as `@lekha/providers`' `ProviderNames`). */
export const MessagingProviderNames = ['msg91', 'gupshup', 'twilio', 'whatsapp-cloud', 'smtp'] as const;
export type MessagingProviderName = (typeof MessagingProviderNames)[number];

export const MessageStatuses = [
  'queued',
  'deferred',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'dead',
  /** A reminder whose record moved or was deleted before it was due: never sent. */
  'cancelled',
] as const;
export type MessageStatus = (typeof MessageStatuses)[number];

export const templateKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, _ . - (at most 64)');
/** A DLT header (sender ID): 6 letters for most operators, or a numeric header. */
export const smsHeaderSchema = z.string().regex(/^[A-Za-z0-9]{3,11}$/, '3–11 letters or digits');
const dltIdSchema = z.string().regex(/^\d{10,25}$/, 'the numeric ID the DLT platform gave');
const domainSchema = z
  .string()
  .max(253)
  .transform((d) => d.trim().toLowerCase())
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name'));
const hhmmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24-hour, IST)');

export const registerTemplateSchema = z
  .strictObject({
    key: templateKeySchema,
    channel: z.enum(MessageChannels),
    category: z.enum(TemplateCategories),
    /** The DLT content template ID (required for SMS). */
    dltTemplateId: dltIdSchema.optional(),
    /** The DLT header (sender ID) the template is registered under (required for SMS). */
    header: smsHeaderSchema.optional(),
    /** The registered text, variables written `{#var#}` (DLT style). */
    text: z.string().min(1).max(2000),
    /** Email subject. */
    subject: z.string().min(1).max(200).optional(),
    /** The approved WhatsApp template sent outside the 24-hour window. */
    whatsappTemplate: z
      .strictObject({
        name: z.string().regex(/^[a-z0-9_]{1,512}$/),
        language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/),
        /** Twilio's Content API SID (HX…) of the same approved template, for sends through Twilio. */
        twilioContentSid: z
          .string()
          .regex(/^HX[0-9a-fA-F]{32}$/)
          .optional(),
      })
      .optional(),
    /** The provider's own template ID (e.g. an MSG91 flow template_id). */
    providerTemplateId: z.string().min(1).max(64).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'sms') {
      if (!t.dltTemplateId) ctx.addIssue({ code: 'custom', path: ['dltTemplateId'], message: 'required for SMS' });
      if (!t.header) ctx.addIssue({ code: 'custom', path: ['header'], message: 'required for SMS' });
    }
    if (t.whatsappTemplate && t.channel !== 'whatsapp')
      ctx.addIssue({ code: 'custom', path: ['whatsappTemplate'], message: 'only for WhatsApp templates' });
  });
export type RegisterTemplateRequest = z.infer<typeof registerTemplateSchema>;

export const templateViewSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  channel: z.enum(MessageChannels),
  category: z.enum(TemplateCategories),
  dltTemplateId: z.string().nullable(),
  header: z.string().nullable(),
  text: z.string(),
  subject: z.string().nullable(),
  variableCount: z.number().int(),
  whatsappTemplate: z
    .object({ name: z.string(), language: z.string(), twilioContentSid: z.string().optional() })
    .nullable(),
  providerTemplateId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type TemplateView = z.infer<typeof templateViewSchema>;

const providerListSchema = z.array(z.enum(MessagingProviderNames)).max(5);

export const quietHoursSchema = z.strictObject({
  start: hhmmSchema,
  end: hhmmSchema,
  /** The categories held back (promotional SMS has its own fixed window: 09:00–21:00 IST). */
  categories: z
    .array(z.enum(['transactional', 'service_implicit', 'service_explicit']))
    .default(['service_implicit', 'service_explicit']),
});
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** One entry of an unsigned provider's webhook source allow-list. */
const webhookSourceSchema = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

export const notificationSettingsSchema = z.strictObject({
  /** The DLT principal entity ID; travels with every SMS. */
  peId: dltIdSchema.nullable().default(null),
  headers: z.array(smsHeaderSchema).max(50).default([]),
  /** Domains a URL in a variable may point to (subdomains included). */
  urlDomains: z.array(domainSchema).max(50).default([]),
  quietHours: quietHoursSchema.nullable().default(null),
  /** Ordered fallback list per channel; absent → the platform's default list. */
  providers: z
    .strictObject({
      sms: providerListSchema.optional(),
      whatsapp: providerListSchema.optional(),
      email: providerListSchema.optional(),
    })
    .default({}),
  /**
   * The tenant's own provider credentials (e.g. MSG91 authkey), stored encrypted under the tenant's key and
   * never returned. A provider named with `null` has its credentials removed; providers not named keep theirs.
   */
  credentials: z
    .partialRecord(z.enum(MessagingProviderNames), z.record(z.string().max(64), z.string().min(1).max(2000)).nullable())
    .optional()
    .superRefine((credentials, ctx) => {
      for (const [provider, set] of Object.entries(credentials ?? {}))
        for (const entry of set?.webhookSources?.split(',') ?? [])
          if (!webhookSourceSchema.safeParse(entry.trim()).success)
            ctx.addIssue({
              code: 'custom',
              path: [provider, 'webhookSources'],
              message: 'comma-separated IP addresses and CIDR ranges',
            });
    }),
});
export type NotificationSettingsRequest = z.infer<typeof notificationSettingsSchema>;

export const notificationSettingsViewSchema = z.object({
  peId: z.string().nullable(),
  headers: z.array(z.string()),
  urlDomains: z.array(z.string()),
  quietHours: z
    .object({ start: z.string(), end: z.string(), categories: z.array(z.enum(TemplateCategories)) })
    .nullable(),
  providers: z.object({
    sms: z.array(z.enum(MessagingProviderNames)).optional(),
    whatsapp: z.array(z.enum(MessagingProviderNames)).optional(),
    email: z.array(z.enum(MessagingProviderNames)).optional(),
  }),
  /** Which providers have tenant credentials set (never the credentials). */
  credentialsSet: z.array(z.enum(MessagingProviderNames)),
  updatedAt: z.iso.datetime().nullable(),
});
export type NotificationSettingsView = z.infer<typeof notificationSettingsViewSchema>;

/* ---------------------------------------------------------------------------------------------
 * Reminders relative to business records (issue 11, scheduling).
 * ------------------------------------------------------------------------------------------- */

/** An offset from the record's time: `-24h`, `-2h`, `-30m`, `-1d`, `+1h` (at most 90 days either way). */
export const reminderOffsetSchema = z
  .string()
  .regex(/^[-+]?\d{1,4}[mhd]$/, 'like -24h, -2h, -30m or -1d')
  .refine((o) => Math.abs(offsetMs(o)) <= 90 * 86_400_000, 'at most 90 days');

/** The offset in milliseconds (negative: before the record's time). */
export function offsetMs(offset: string): number {
  const m = /^([-+]?)(\d{1,4})([mhd])$/.exec(offset);
  if (!m) throw new Error(`not an offset: ${offset}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[3] as 'm' | 'h' | 'd'];
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit;
}

/** Who a reminder rule addresses: the record's customer, or the staff user it is assigned to. */
export const ReminderRecipients = ['customer', 'assignee'] as const;
export type ReminderRecipient = (typeof ReminderRecipients)[number];

const fieldNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a field name of the record type');

export const reminderRuleSchema = z
  .strictObject({
    /** Names the rule (unique per tenant); a message it queued shows it. */
    key: templateKeySchema,
    /** The record type's key (e.g. `appointment`, `job`, `room_allocation`, `maintenance_log`). */
    recordType: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
    /**
     * The record's time field the offsets count from (`startsAt`; a date-only field such as `dueOn`
     * counts from 09:00 IST that day). Give this or `on`.
     */
    field: fieldNameSchema.optional(),
    /**
     * `assigned`: a message at once when the record is assigned to someone (created with, or changed to,
     * an assignee), e.g. "a caretaker is on your maintenance request".
     */
    on: z.enum(['assigned']).optional(),
    offsets: z.array(reminderOffsetSchema).max(5).default([]),
    template: templateKeySchema,
    /**
     * Who gets it: `customer`, the record's customer (name and contact from tenant-data, kept current by
     * its customer events); `assignee`, the staff user the record is assigned to (their phone and email
     * as identity publishes them, sealed, on `identity.events.v1`): a caretaker's maintenance alert.
     */
    recipient: z.enum(ReminderRecipients),
    channels: z.array(z.enum(MessageChannels)).min(1).max(3).optional(),
    /**
     * What fills the template's `{#var#}` placeholders, in order: a field of the record (its value; a time
     * as `DD-MM-YYYY HH:MM` IST, a date as `DD-MM-YYYY`) or `customer.name` (the customer's name).
     */
    variables: z
      .array(z.union([fieldNameSchema, z.literal('customer.name')]))
      .max(25)
      .default([]),
  })
  .superRefine((r, ctx) => {
    if ((r.field === undefined) === (r.on === undefined))
      ctx.addIssue({ code: 'custom', path: ['field'], message: 'give either field (a time of the record) or on' });
    if (r.field !== undefined && r.offsets.length === 0)
      ctx.addIssue({ code: 'custom', path: ['offsets'], message: 'give at least one offset from the field' });
    if (r.on !== undefined && r.offsets.length > 0)
      ctx.addIssue({ code: 'custom', path: ['offsets'], message: 'an `on` rule sends at once: no offsets' });
  });
export type ReminderRule = z.infer<typeof reminderRuleSchema>;

export const putReminderRulesSchema = z
  .strictObject({ rules: z.array(reminderRuleSchema).max(50) })
  .refine((r) => new Set(r.rules.map((x) => x.key)).size === r.rules.length, 'rule keys must be unique');
export type PutReminderRules = z.infer<typeof putReminderRulesSchema>;

export const reminderRulesViewSchema = z.object({
  rules: z.array(
    z.object({
      key: z.string(),
      recordType: z.string(),
      field: z.string().optional(),
      on: z.enum(['assigned']).optional(),
      offsets: z.array(z.string()),
      template: z.string(),
      recipient: z.enum(ReminderRecipients),
      channels: z.array(z.enum(MessageChannels)).optional(),
      variables: z.array(z.string()),
    }),
  ),
  updatedAt: z.iso.datetime().nullable(),
});
export type ReminderRulesView = z.infer<typeof reminderRulesViewSchema>;

/** A recipient: a phone (SMS, WhatsApp) and/or an email; normalised like a login identifier. */
export const recipientSchema = z
  .strictObject({ phone: phoneSchema.optional(), email: emailSchema.optional() })
  .refine((r) => r.phone !== undefined || r.email !== undefined, 'give a phone or an email');
export type Recipient = z.infer<typeof recipientSchema>;

export const sendMessageSchema = z.strictObject({
  /** From the `Idempotency-Key` header: the same key and body answer the first result. */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, '8–100 letters, digits, _ . : -'),
  template: templateKeySchema,
  /** Values of the template's `{#var#}` placeholders, in order (each at most 30 characters for DLT). */
  variables: z.array(z.string().max(500)).max(25).default([]),
  to: z
    .strictObject({ phone: phoneSchema.optional(), email: emailSchema.optional(), customerId: z.uuid().optional() })
    .refine(
      (r) => r.phone !== undefined || r.email !== undefined || r.customerId !== undefined,
      'give a phone, an email or a customerId (whose phone and email are looked up)',
    ),
  /** Channels in order of preference; the first with a template of this key and an address is used. */
  channels: z.array(z.enum(MessageChannels)).min(1).max(3).optional(),
  /**
   * Send at this time instead of now (a reminder): the message waits `deferred` until then — and then
   * for its sending window, if that time falls outside one. At most a year ahead; a past time is now.
   */
  sendAt: z.iso.datetime({ offset: true }).optional(),
});
export type SendMessageRequest = z.infer<typeof sendMessageSchema>;

/** The most messages one batch send takes. */
export const SEND_BATCH_MAX = 100;

/**
 * Many sends in one request (campaigns, a day's reminders): each item is a send of its own, with its
 * own Idempotency-Key (in the body here), checked, stored or refused on its own.
 */
export const sendMessageBatchSchema = z.strictObject({
  items: z
    .array(sendMessageSchema)
    .min(1)
    .max(SEND_BATCH_MAX)
    .refine((items) => new Set(items.map((i) => i.idempotencyKey)).size === items.length, {
      message: 'each item needs its own idempotencyKey',
    }),
});
export type SendMessageBatchRequest = z.infer<typeof sendMessageBatchSchema>;

/** One item's result, in the order of the request: accepted (`id`, `status`), or refused with its reason. */
export const sendBatchItemResultSchema = z.union([
  z.strictObject({ id: z.uuid(), status: z.enum(['queued', 'deferred']) }),
  z.strictObject({
    error: z.strictObject({ code: z.string(), reason: z.string(), message: z.string() }),
  }),
]);
export type SendBatchItemResult = z.infer<typeof sendBatchItemResultSchema>;

export const messageViewSchema = z.object({
  id: z.uuid(),
  status: z.enum(MessageStatuses),
  channel: z.enum(MessageChannels),
  template: z.string(),
  category: z.enum(TemplateCategories),
  /** Masked (`+91******5678`, `a***@example.com`). */
  recipient: z.string(),
  customerId: z.uuid().nullable(),
  /** A reminder: the business record it is about and the rule that queued it. */
  recordId: z.uuid().nullable(),
  reminderRule: z.string().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  error: z.object({ code: z.string(), detail: z.string().nullable() }).nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const listMessagesSchema = z.strictObject({
  status: z.enum(MessageStatuses).optional(),
  customerId: z.uuid().optional(),
  recordId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListMessagesRequest = z.infer<typeof listMessagesSchema>;

export const recordConsentSchema = z.strictObject({
  recipient: recipientSchema,
  purpose: z.enum(ConsentPurposes),
  granted: z.boolean(),
});
export type RecordConsentRequest = z.infer<typeof recordConsentSchema>;

export const recordOptOutSchema = z.strictObject({
  recipient: recipientSchema,
  /** `opt_out`: no message of any kind; `dnd`: the number is on the DND register (no promotional SMS). */
  kind: z.enum(['opt_out', 'dnd']).default('opt_out'),
});
export type RecordOptOutRequest = z.infer<typeof recordOptOutSchema>;

/** The providers' public webhook routes, by the name in the path (`/v1/webhooks/<route>/…`). */
export const WebhookRoutes = ['twilio-status', 'twilio-inbound', 'whatsapp', 'msg91', 'gupshup'] as const;
export type WebhookRoute = (typeof WebhookRoutes)[number];

/**
 * A provider's webhook as it reached the gateway, forwarded whole to notifications (which holds the
 * credentials to verify it): the full URL as configured at the provider, the headers a verifier or
 * parser reads, the raw body (base64); for the unsigned providers (MSG91, Gupshup) the secret path token;
 * the tenant when the path names one (its own provider account).
 */
export const receiveWebhookSchema = z.strictObject({
  route: z.enum(WebhookRoutes),
  /** `/v1/webhooks/<provider>/t/:tenantId/…`: the tenant's own provider account, verified with its credentials. */
  tenantId: z.uuid().optional(),
  token: z.string().max(200).optional(),
  /** The address the webhook came from, as the gateway sees it (behind TRUST_PROXY: the client's). */
  sourceIp: z.string().max(64).optional(),
  url: z.string().min(1).max(4000),
  method: z.enum(['GET', 'POST']),
  headers: z.record(z.string().max(100), z.string().max(4000)),
  body: z.base64().max(1_500_000),
});
export type ReceiveWebhook = z.infer<typeof receiveWebhookSchema>;

export const receiveWebhookResultSchema = z.object({
  /** The WhatsApp verification handshake: the challenge to echo as the plain-text answer. */
  challenge: z.string().optional(),
  receipts: z.number().int(),
  inbound: z.number().int(),
  duplicates: z.number().int(),
  /** Receipts that overtook their send: kept and applied once the send is recorded. */
  parked: z.number().int().optional(),
});
export type ReceiveWebhookResult = z.infer<typeof receiveWebhookResultSchema>;
