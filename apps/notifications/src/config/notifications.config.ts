import { z } from 'zod';
import { parseWebhookSources } from '@lekha/providers';
import { baseConfigSchema, port } from '@lekha/runtime';

const providerList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    );

const webhookSources = z
  .string()
  .optional()
  .superRefine((list, ctx) => {
    if (!list) return;
    try {
      parseWebhookSources(list);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export const notificationsConfigSchema = baseConfigSchema.extend({
  NOTIFICATIONS_PORT: port(3104),
  /** `off` keeps the dispatcher loop from starting (use-case tests drive it by hand). */
  NOTIFICATIONS_DISPATCHER: z.enum(['on', 'off']).default('on'),
  /** How often an idle dispatcher looks for due messages. */
  NOTIFICATIONS_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  /**
   * Messages claimed per round (prepared and recorded in chunks of a quarter of it, one tenant each):
   * 400 costs ~0.24 statements a message against ~0.44 at 200 and ~1.8 at 50, and each chunk's audit
   * record, usage event and MSG91 request carry 100 messages (bench/notifications).
   */
  NOTIFICATIONS_DISPATCH_BATCH: z.coerce.number().int().min(1).max(1000).default(400),
  /**
   * Provider calls in flight at once per instance (1 on the embedded database); with the batch, at most
   * ~4 provider timeouts in a row per round (400 one-message calls, 128 at a time), well inside the lease.
   */
  NOTIFICATIONS_DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(128),
  /** A claimed message is the claimer's this long; it must outlast the provider timeout. */
  NOTIFICATIONS_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** How long a call to another service (tenant-data: a customer's contact) waits for its reply. */
  NOTIFICATIONS_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  NOTIFICATIONS_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts (across providers) before a message is dead. */
  NOTIFICATIONS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /** First retry delay; doubled per attempt (with jitter), at most NOTIFICATIONS_RETRY_MAX_MS. */
  NOTIFICATIONS_RETRY_BASE_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  NOTIFICATIONS_RETRY_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** The platform's default fallback lists per channel (a tenant's own list replaces them). */
  NOTIFICATIONS_SMS_PROVIDERS: providerList('msg91,gupshup,twilio'),
  NOTIFICATIONS_WHATSAPP_PROVIDERS: providerList('whatsapp-cloud,twilio'),
  NOTIFICATIONS_EMAIL_PROVIDERS: providerList('smtp'),
  /**
   * The platform account's DLT registration for its own SMS (codes, resets, invitations, alerts): PE ID,
   * header, the content template (`{#var#}`: the whole text) and the provider's ID for it (MSG91 flow ID).
   * Unset: platform SMS fail `DLT_INCOMPLETE` (the development inbox still has them outside production).
   */
  NOTIFICATIONS_PLATFORM_PE_ID: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  NOTIFICATIONS_PLATFORM_SMS_HEADER: z
    .string()
    .regex(/^[A-Z0-9]{3,11}$/)
    .optional(),
  NOTIFICATIONS_PLATFORM_DLT_TEMPLATE_ID: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  NOTIFICATIONS_PLATFORM_PROVIDER_TEMPLATE_ID: z.string().min(1).max(64).optional(),
  /** Provider endpoints and the platform's own accounts (contract names; the launcher points them at the simulator). */
  MSG91_BASE_URL: z.url().default('https://control.msg91.com'),
  MSG91_AUTH_KEY: z.string().min(1).optional(),
  GUPSHUP_BASE_URL: z.url().default('https://enterprise.smsgupshup.com'),
  GUPSHUP_USER_ID: z.string().min(1).optional(),
  GUPSHUP_PASSWORD: z.string().min(1).optional(),
  TWILIO_BASE_URL: z.url().default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** The platform account's senders at Twilio: SMS (absent → the message's DLT header), WhatsApp (E.164). */
  TWILIO_SMS_FROM: z.string().min(1).optional(),
  TWILIO_WHATSAPP_FROM: z.string().min(1).optional(),
  /** Send through a Messaging Service (MG…) instead of a From. */
  TWILIO_MESSAGING_SERVICE_SID: z.string().min(1).optional(),
  WHATSAPP_BASE_URL: z.url().default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z.string().min(1).default('v21.0'),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  SMTP_URL: z.string().min(1).optional(),
  SMTP_FROM: z.string().min(1).optional(),
  WEBHOOK_PATH_TOKEN: z.string().min(1).optional(),
  /**
   * Where the unsigned providers' webhooks may come from: comma-separated addresses and CIDR ranges
   * as the provider publishes them; unset → any source with the path token.
   */
  WEBHOOK_SOURCES_MSG91: webhookSources,
  WEBHOOK_SOURCES_GUPSHUP: webhookSources,
  PUBLIC_WEBHOOK_BASE_URL: z.url().optional(),
});
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
