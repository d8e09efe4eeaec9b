/**
 * The one port every messaging provider sits behind (SMS, WhatsApp, email). Adapters speak each
 * provider's documented wire format over real HTTP (or SMTP); nothing here knows about tenants,
 * consent or DLT rules — notifications decides what may be sent, an adapter only sends it.
 */
export const Channels = ['sms', 'whatsapp', 'email'] as const;
export type Channel = (typeof Channels)[number];

export const ProviderNames = ['msg91', 'gupshup', 'twilio', 'whatsapp-cloud', 'smtp'] as const;
export type ProviderName = (typeof ProviderNames)[number];

/** What one send carries. Personal data (recipient, text, variables) lives only in memory here. */
export interface OutboundMessage {
  /** Our message ID; sent as the provider's client reference where it takes one. */
  messageId: string;
  channel: Channel;
  /** E.164 (`+919876543210`) for SMS and WhatsApp; an address for email. */
  to: string;
  /** The fully rendered text (SMS body, WhatsApp free-form text, email body). */
  text: string;
  /** Template variables in the template's order (MSG91 flow variables, WhatsApp template parameters). */
  variables?: string[];
  /** SMS: DLT header (sender ID); the DLT principal entity and content template IDs travel with every send. */
  sms?: { header: string; peId: string; dltTemplateId: string; providerTemplateId?: string };
  /** Absent → free-form text. */
  /** WhatsApp template send (outside the 24-hour window); `contentSid` names it at Twilio (HX…). */
  whatsappTemplate?: { name: string; language: string; contentSid?: string };
  /** Email only. */
  email?: { subject: string; from?: string };
  /** Where the provider should post delivery receipts for this message (providers that take one per send). */
  statusCallbackUrl?: string;
}

/** Our codes for what providers answer; each adapter maps its provider's own codes onto these. */
export const ProviderErrorCodes = [
  'AUTH_FAILED',
  'INVALID_RECIPIENT',
  'RECIPIENT_OPTED_OUT',
  'OUTSIDE_24H_WINDOW',
  'TEMPLATE_REJECTED',
  'SENDER_REJECTED',
  'RATE_LIMITED',
  'INSUFFICIENT_BALANCE',
  'TIMEOUT',
  'PROVIDER_UNAVAILABLE',
  'REJECTED',
] as const;
export type ProviderErrorCode = (typeof ProviderErrorCodes)[number];

export type SendResult =
  | { ok: true; providerMessageId: string }
  | {
      ok: false;
      code: ProviderErrorCode;
      /** True when another attempt (this provider later, or the next one now) may succeed. */
      retryable: boolean;
      /**
       * False only when the provider certainly did not accept the message (an error answer).
       * A timeout or a dropped connection leaves it unknown: the caller must not resend through the
       * same provider without reconciling.
       */
      maybeAccepted: boolean;
      providerCode?: string;
      detail?: string;
    };

export interface MessagingProvider {
  readonly name: ProviderName;
  readonly channels: readonly Channel[];
  send(message: OutboundMessage, options?: { signal?: AbortSignal }): Promise<SendResult>;
  /**
   * Providers that take several recipients in one request: messages with the same key may go together
   * in one `sendMany` call (null: this one goes alone).
   */
  batchKey?(message: OutboundMessage): string | null;
  /**
   * Several messages of one `batchKey` in one provider request: one result per message, in order. A
   * refusal of the whole request is every message's result.
   */
  sendMany?(messages: readonly OutboundMessage[], options?: { signal?: AbortSignal }): Promise<SendResult[]>;
  /** Most messages one `sendMany` request carries. */
  readonly maxPerRequest?: number;
  /**
   * The provider's message ID names a request, which may carry several recipients, and its receipts name
   * the request and the recipient (`DeliveryReceipt.recipient`): a message is found by both.
   */
  readonly refsPerRecipient?: boolean;
}

/** Delivery states in forward order; a receipt never moves a message backwards. */
export const DeliveryStates = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryState = (typeof DeliveryStates)[number];

export interface DeliveryReceipt {
  provider: ProviderName;
  providerMessageId: string;
  state: DeliveryState;
  /** Stable across the provider's retries of the same receipt: the deduplication key. */
  dedupKey: string;
  occurredAt?: string;
  error?: { code: ProviderErrorCode; providerCode: string };
  /**
   * The recipient's number as the provider reported it, for providers whose message ID names a request of
   * several recipients (`refsPerRecipient`). Personal data: in memory only, never stored or logged.
   */
  recipient?: string;
}

export interface InboundMessage {
  provider: ProviderName;
  channel: Channel;
  /** E.164. */
  from: string;
  text: string;
  providerMessageId: string;
  receivedAt?: string;
  /** The provider (or the text, e.g. SMS "STOP") says the sender opts out of further messages. */
  optOut: boolean;
}

/** A webhook as it reached the gateway, before any parsing: verification needs the raw bytes. */
export interface WebhookRequest {
  /** The full URL as configured at the provider (scheme, host, path, query). */
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface ParsedWebhook {
  receipts: DeliveryReceipt[];
  inbound: InboundMessage[];
}
