/**
 * Twilio Programmable Messaging, SMS and WhatsApp: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`,
 * HTTP Basic (account SID : auth token), form-encoded PascalCase fields, 201 with the Message resource
 * (`sid`), errors `{code,message,more_info,status}` (providers.md §1, read in twilio-node).
 *
 * WhatsApp goes with `whatsapp:`-prefixed To/From. Outside the 24-hour window Twilio sends only
 * Content API templates (`ContentSid` HX… + `ContentVariables` as a JSON string `{"1":"…"}`): a
 * template is named by the SID the tenant registered with it (`contentSid`), by its HX SID directly, or
 * through `whatsappContentSids` (template name, or `name:language`, to SID).
 *
 * India: the Messages API takes no PE ID or DLT template ID; they are registered with Twilio out of
 * band (providers.md §1), so they are not sent.
 */
import type { MessagingProvider, OutboundMessage, ProviderErrorCode, SendResult } from './port.js';
import {
  DEFAULT_TIMEOUT_MS,
  e164Digits,
  failure,
  failureByStatus,
  httpRequest,
  isRecord,
  parseJson,
  refusedLocally,
  trimSlash,
  type SendFailure,
} from './http.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Default `https://api.twilio.com`. */
  baseUrl?: string;
  timeoutMs?: number;
  /** SMS sender (number or alphanumeric ID); absent → the message's DLT header. */
  smsFrom?: string;
  /** WhatsApp sender, E.164 (`+14155238886`); sent as `whatsapp:+…`. */
  whatsappFrom?: string;
  /** Send through a Messaging Service (`MG…`) instead of a From. */
  messagingServiceSid?: string;
  /** WhatsApp template name (or `name:language`) → Content SID (HX…). */
  whatsappContentSids?: Record<string, string>;
}

/**
 * Twilio error codes (send answers and status callbacks) onto ours. 20003, 20429, 21211, 21606,
 * 21609, 21610, 21614 and 63016 are in providers.md §1; the rest are from Twilio's error dictionary
 * as remembered (unconfirmed).
 */
export const TWILIO_ERRORS: Record<string, ProviderErrorCode> = {
  '20003': 'AUTH_FAILED',
  '20429': 'RATE_LIMITED',
  '21211': 'INVALID_RECIPIENT',
  '21212': 'SENDER_REJECTED',
  '21408': 'REJECTED', // region not enabled for the account
  '21606': 'SENDER_REJECTED',
  '21609': 'REJECTED', // invalid StatusCallback
  '21610': 'RECIPIENT_OPTED_OUT',
  '21612': 'INVALID_RECIPIENT',
  '21614': 'INVALID_RECIPIENT',
  '21617': 'REJECTED', // body too long
  '21656': 'TEMPLATE_REJECTED', // ContentVariables invalid
  '30001': 'RATE_LIMITED', // queue overflow
  '30002': 'AUTH_FAILED', // account suspended
  '30003': 'INVALID_RECIPIENT',
  '30004': 'REJECTED', // message blocked
  '30005': 'INVALID_RECIPIENT',
  '30006': 'INVALID_RECIPIENT',
  '30007': 'REJECTED', // carrier filtering
  '30008': 'PROVIDER_UNAVAILABLE',
  '63003': 'INVALID_RECIPIENT',
  '63007': 'SENDER_REJECTED',
  '63016': 'OUTSIDE_24H_WINDOW',
  '63018': 'RATE_LIMITED',
  '63024': 'INVALID_RECIPIENT',
};

export class TwilioProvider implements MessagingProvider {
  readonly name = 'twilio' as const;
  readonly channels = ['sms', 'whatsapp'] as const;
  private readonly url: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: TwilioOptions) {
    const base = trimSlash(options.baseUrl ?? 'https://api.twilio.com');
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage, options: { signal?: AbortSignal } = {}): Promise<SendResult> {
    const form = this.form(message);
    if (!(form instanceof URLSearchParams)) return form;
    const outcome = await httpRequest(
      this.url,
      {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      },
      this.timeoutMs,
      options.signal,
    );
    if (!outcome.ok) return outcome.failure;
    return twilioAnswer(outcome.answer.status, outcome.answer.body);
  }

  private form(message: OutboundMessage): URLSearchParams | SendFailure {
    if (message.channel !== 'sms' && message.channel !== 'whatsapp') {
      return refusedLocally('REJECTED', `twilio does not send ${message.channel}`);
    }
    const digits = e164Digits(message.to);
    if (!digits) return refusedLocally('INVALID_RECIPIENT', 'the recipient is not an E.164 number');
    const whatsapp = message.channel === 'whatsapp';
    const form = new URLSearchParams();
    form.set('To', whatsapp ? `whatsapp:+${digits}` : `+${digits}`);
    if (this.options.messagingServiceSid) {
      form.set('MessagingServiceSid', this.options.messagingServiceSid);
    } else {
      const from = whatsapp ? this.options.whatsappFrom : (this.options.smsFrom ?? message.sms?.header);
      if (!from) return refusedLocally('SENDER_REJECTED', `no twilio sender configured for ${message.channel}`);
      form.set('From', whatsapp ? `whatsapp:${from.startsWith('+') ? from : `+${from}`}` : from);
    }
    if (whatsapp && message.whatsappTemplate) {
      const { name, language } = message.whatsappTemplate;
      const sids = this.options.whatsappContentSids ?? {};
      const contentSid =
        message.whatsappTemplate.contentSid ??
        sids[`${name}:${language}`] ??
        sids[name] ??
        (/^HX[0-9a-f]{32}$/i.test(name) ? name : '');
      if (!contentSid) return refusedLocally('TEMPLATE_REJECTED', 'no twilio Content SID for this template');
      form.set('ContentSid', contentSid);
      const variables = Object.fromEntries((message.variables ?? []).map((v, i) => [String(i + 1), v]));
      if (message.variables?.length) form.set('ContentVariables', JSON.stringify(variables));
    } else {
      form.set('Body', message.text);
    }
    if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
    return form;
  }
}

/** Reads a create-Message answer (exported for the error-table tests). */
export function twilioAnswer(status: number, text: string): SendResult {
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    if (isRecord(json) && typeof json['sid'] === 'string' && json['sid']) {
      return { ok: true, providerMessageId: json['sid'] };
    }
    return failureByStatus(status, false, 'success without a message SID');
  }
  if (!isRecord(json) || json['code'] === undefined) {
    return failureByStatus(status, false, `unreadable answer (HTTP ${status})`);
  }
  const providerCode = String(json['code']);
  const detail = typeof json['message'] === 'string' ? json['message'] : '';
  return twilioError(status, providerCode, detail);
}

function twilioError(status: number, providerCode: string, detail: string): SendFailure {
  const known = TWILIO_ERRORS[providerCode];
  if (known) return failure(known, { providerCode, detail });
  const byStatus = failureByStatus(status, true, detail);
  return { ...byStatus, providerCode };
}
