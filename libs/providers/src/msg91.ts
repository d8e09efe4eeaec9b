/**
 * MSG91 SMS through the flow ("OneAPI") endpoint: `POST {base}/api/v5/flow`, header `authkey`, a JSON
 * body naming the MSG91 template and its recipients, each with its own variables (`sendMany`: many
 * messages of one template in one request).
 *
 * Confirmed (providers.md §2): the path, the `authkey` header, `template_id`, `recipients[].mobiles`
 * (country code, no plus), variables as further keys of the recipient, `sender`, `short_url`, and the
 * answers `{type:"success",message:<request id>}` / `{type:"error",message}`.
 * Unconfirmed: the flow API binds the DLT template ID, header and PE ID to the MSG91 template in the
 * panel; whether it honours `DLT_TE_ID` (the legacy APIs' name for the DLT template ID) in the body is
 * not documented, and no per-request PE ID parameter is known, so the PE ID is not sent. Also
 * unconfirmed: the HTTP status of error answers (200 or 4xx) and the flow API's error codes; the
 * numeric codes below are the legacy send API's.
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

export interface Msg91Options {
  authKey: string;
  /** Default `https://control.msg91.com`. */
  baseUrl?: string;
  timeoutMs?: number;
  /**
   * Flow variable names in the template's order. MSG91 matches them to the template's placeholders
   * by name (case-sensitive); default `VAR1`, `VAR2`, ….
   */
  variableNames?: readonly string[];
  /** Send the DLT template ID as `DLT_TE_ID` with each request (default true; see the note above). */
  sendDltTemplateId?: boolean;
}

/** Legacy MSG91 codes (3rd-party list in providers.md §2) and what they mean here. */
const CODES: Record<string, { code: ProviderErrorCode; retryable?: boolean; maybeAccepted?: boolean }> = {
  '202': { code: 'INVALID_RECIPIENT' },
  '203': { code: 'SENDER_REJECTED' },
  '207': { code: 'AUTH_FAILED' },
  '208': { code: 'AUTH_FAILED' }, // IP blacklisted
  '301': { code: 'INSUFFICIENT_BALANCE' },
  '302': { code: 'AUTH_FAILED' }, // expired account
  '303': { code: 'AUTH_FAILED' }, // banned account
  '306': { code: 'REJECTED', retryable: true }, // route open only 09:00–21:00
  '310': { code: 'REJECTED' }, // too long
  // "Same request generated twice within 10 seconds": the first one was taken, so this one must not be
  // counted as certainly unsent.
  '311': { code: 'REJECTED', maybeAccepted: true },
  '401': { code: 'AUTH_FAILED' },
  '418': { code: 'AUTH_FAILED' }, // IP not whitelisted
  '429': { code: 'RATE_LIMITED' },
};

/** Error messages, for answers without a code; first match wins. */
const MESSAGES: [RegExp, ProviderErrorCode][] = [
  [/auth|unauthori[sz]ed|whitelist|blacklist/i, 'AUTH_FAILED'],
  [/balance|insufficient|credit/i, 'INSUFFICIENT_BALANCE'],
  [/too many|rate limit|throttl/i, 'RATE_LIMITED'],
  [/\b(dnd|ndnc|opt(ed)?[- ]?out|unsubscribed)\b/i, 'RECIPIENT_OPTED_OUT'],
  [/(mobile|number|recipient).*(invalid|incorrect|not valid)/i, 'INVALID_RECIPIENT'],
  [/(invalid|incorrect).*(mobile|number|recipient)/i, 'INVALID_RECIPIENT'],
  [/template|flow/i, 'TEMPLATE_REJECTED'],
  [/sender|header/i, 'SENDER_REJECTED'],
];

export class Msg91SmsProvider implements MessagingProvider {
  readonly name = 'msg91' as const;
  readonly channels = ['sms'] as const;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: Msg91Options) {
    this.url = `${trimSlash(options.baseUrl ?? 'https://control.msg91.com')}/api/v5/flow`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Most recipients one flow request carries here (a chunk of the dispatcher is smaller). */
  static readonly MAX_RECIPIENTS = 100;
  readonly maxPerRequest = Msg91SmsProvider.MAX_RECIPIENTS;
  /** A request ID names the flow request; its reports name the request and the number. */
  readonly refsPerRecipient = true;

  async send(message: OutboundMessage, options: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return (await this.sendMany([message], options))[0]!;
  }

  /** One flow request for messages of one MSG91 template, header and DLT template: `recipients[]`. */
  batchKey(message: OutboundMessage): string | null {
    if (message.channel !== 'sms' || !message.sms?.providerTemplateId) return null;
    return JSON.stringify([message.sms.providerTemplateId, message.sms.header, message.sms.dltTemplateId]);
  }

  /**
   * Several messages of one `batchKey` as one flow request, each its own recipient with its own
   * variables; every message's result is the request's (MSG91 answers one request ID for all of them).
   * A message this adapter refuses on its own (not SMS, no template, not a number) is left out of the request.
   */
  async sendMany(messages: readonly OutboundMessage[], options: { signal?: AbortSignal } = {}): Promise<SendResult[]> {
    if (messages.length > Msg91SmsProvider.MAX_RECIPIENTS)
      throw new RangeError(`msg91: at most ${Msg91SmsProvider.MAX_RECIPIENTS} recipients a request`);
    const results: (SendResult | undefined)[] = messages.map((m) => this.refusal(m));
    const first = messages.find((_, i) => !results[i]);
    if (!first) return results as SendResult[];
    const key = this.batchKey(first);
    const recipients: Record<string, string>[] = [];
    const members: number[] = [];
    messages.forEach((message, i) => {
      if (results[i]) return;
      if (this.batchKey(message) !== key)
        throw new Error('msg91: one request carries one template, header and DLT template');
      const recipient: Record<string, string> = { mobiles: e164Digits(message.to)! };
      (message.variables ?? []).forEach((value, v) => {
        recipient[this.options.variableNames?.[v] ?? `VAR${v + 1}`] = value;
      });
      recipients.push(recipient);
      members.push(i);
    });
    const body: Record<string, unknown> = {
      template_id: first.sms!.providerTemplateId,
      short_url: '0',
      recipients,
    };
    if (first.sms?.header) body['sender'] = first.sms.header;
    if (first.sms?.dltTemplateId && this.options.sendDltTemplateId !== false) {
      body['DLT_TE_ID'] = first.sms.dltTemplateId;
    }

    const outcome = await httpRequest(
      this.url,
      {
        method: 'POST',
        headers: { authkey: this.options.authKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      },
      this.timeoutMs,
      options.signal,
    );
    const result = outcome.ok ? msg91Answer(outcome.answer.status, outcome.answer.body) : outcome.failure;
    for (const i of members) results[i] = result;
    return results as SendResult[];
  }

  /** What this adapter refuses before any request; undefined when the message may go. */
  private refusal(message: OutboundMessage): SendResult | undefined {
    if (message.channel !== 'sms') return refusedLocally('REJECTED', `msg91 does not send ${message.channel}`);
    if (!message.sms?.providerTemplateId)
      return refusedLocally('TEMPLATE_REJECTED', 'msg91 needs the MSG91 template ID');
    if (!e164Digits(message.to)) return refusedLocally('INVALID_RECIPIENT', 'the recipient is not an E.164 number');
    return undefined;
  }
}

/** Reads a flow API answer (exported for the error-table tests). */
export function msg91Answer(status: number, text: string): SendResult {
  const json = parseJson(text);
  if (!isRecord(json) || (json['type'] !== 'success' && json['type'] !== 'error')) {
    return failureByStatus(status, false, `unreadable answer (HTTP ${status})`);
  }
  const message = typeof json['message'] === 'string' ? json['message'] : '';
  if (json['type'] === 'success' && status >= 200 && status < 300) {
    if (message) return { ok: true, providerMessageId: message };
    return failureByStatus(status, false, 'success without a request ID');
  }
  return msg91Error(status, json['code'], message);
}

function msg91Error(status: number, rawCode: unknown, message: string): SendFailure {
  const providerCode = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined;
  const known = providerCode ? CODES[providerCode] : undefined;
  if (known) {
    const { code, ...how } = known;
    return failure(code, { ...how, providerCode, detail: message });
  }
  const byText = MESSAGES.find(([pattern]) => pattern.test(message));
  if (byText) return failure(byText[1], { providerCode: providerCode ?? status, detail: message });
  if (status >= 400) return failureByStatus(status, true, message);
  return failure('REJECTED', { providerCode, detail: message });
}
