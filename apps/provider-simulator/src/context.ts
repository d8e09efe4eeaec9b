import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Behaviour, Behaviours, Fault } from './behaviour.js';
import type { MessageStore, ParsedRequest, SimMessage, SimProvider } from './store.js';
import type { RazorpayCredentials, RazorpaySim } from './providers/razorpay.js';
import type { WebhookPoster, WebhookSpec } from './webhooks.js';

/** The platform's own account at each provider, as the simulator checks it. */
export interface SimulatorCredentials {
  msg91: { authKey: string };
  gupshup: { userId: string; password: string };
  twilio: { accountSid: string; authToken: string };
  whatsapp: { accessToken: string; phoneNumberId: string; appSecret: string; wabaId: string; verifyToken: string };
  /** Razorpay: API key (Basic auth), the key secret (checkout signatures) and the webhook secret. */
  razorpay: RazorpayCredentials;
  /** Absent: SMTP takes mail without AUTH (and accepts any AUTH). */
  smtp?: { user: string; pass: string };
}

export interface ResolvedOptions {
  credentials: SimulatorCredentials;
  /** Where receipts and inbound messages go (the gateway); absent → none are posted. */
  webhookBaseUrl?: string;
  webhookPathToken: string;
  receipts: boolean;
  receiptGapMs: number;
  windowMs: number;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  raw: IncomingMessage;
}

/** What the simulator answers: a response, or a connection dropped without one. */
export type Reply = { status: number; body: string; type: string; headers?: Record<string, string> } | { drop: true };

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  type: 'application/json; charset=utf-8',
  ...(headers ? { headers } : {}),
});

export const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): Reply => ({
  status,
  body,
  type,
});

/** Everything a provider's handler needs. */
export interface SimContext {
  opts: ResolvedOptions;
  store: MessageStore;
  behaviours: Behaviours;
  poster: WebhookPoster;
  /** `${provider}|${digits}` → when that number last wrote to us through that provider (ms). */
  lastInbound: Map<string, number>;
  /** `${provider}|${digits}` of numbers that sent STOP (Twilio blocks later sends with 21610). */
  optedOut: Set<string>;
  /** The simulated Razorpay account (orders, payments, refunds, webhooks posted). */
  razorpay: RazorpaySim;
}

/** IDs that look like each provider's and never repeat within a run: a random prefix and a counter. */
export class Ids {
  private n = 0;
  private readonly hex = randomBytes(8).toString('hex');
  private readonly dec = String(randomBytes(4).readUInt32BE()).padStart(10, '0');
  private readonly tail = String(randomBytes(8).readBigUInt64BE() % 10n ** 18n).padStart(18, '0');

  private next(): number {
    return ++this.n;
  }
  /** MSG91 request ID: 24 hex characters. */
  msg91(): string {
    return this.hex.slice(0, 8) + this.next().toString(16).padStart(16, '0');
  }
  /** Twilio Message SID: `SM` + 32 hex. */
  twilio(): string {
    return `SM${this.hex}${this.next().toString(16).padStart(16, '0')}`;
  }
  /** Gupshup message ID: `<19 digits>-<18 digits>`, as in its DLR samples. */
  gupshup(): string {
    return `${this.dec}${String(this.next()).padStart(9, '0')}-${this.tail}`;
  }
  /** WhatsApp message ID: `wamid.` + base64. */
  wamid(to: string): string {
    return `wamid.${Buffer.from(`${to}${this.hex}${this.next().toString(16).padStart(12, '0')}`).toString('base64')}`;
  }
}

export const ids = new Ids();

export function record(
  ctx: SimContext,
  provider: SimProvider,
  request: ParsedRequest,
  response: SimMessage['response'],
): SimMessage {
  return ctx.store.add({
    provider,
    direction: 'outbound',
    receivedAt: new Date().toISOString(),
    request,
    response,
    webhooks: [],
  });
}

/**
 * Applies a send-time fault, if one is set for this provider and recipient: `slow` waits (then the
 * send goes on), the others give the reply to answer with instead of accepting the send.
 */
export async function applyFault(
  ctx: SimContext,
  provider: SimProvider,
  request: ParsedRequest,
  errorReply: (code: string | undefined) => { reply: Reply; code: string; message: string },
  serverError: (status: number) => Reply,
): Promise<{ reply: Reply; fault: Fault } | { slow?: Fault } | undefined> {
  const fault = ctx.behaviours.takeFault(provider, request.to);
  if (!fault) return undefined;
  if (fault.kind === 'slow') {
    await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 0));
    return { slow: fault };
  }
  let reply: Reply;
  let error: { code: string; message: string } | undefined;
  if (fault.kind === 'error') {
    const e = errorReply(fault.code);
    reply = e.reply;
    error = { code: e.code, message: e.message };
  } else if (fault.kind === '5xx') {
    reply = serverError(fault.status ?? 503);
    error = { code: String(fault.status ?? 503), message: 'server error (simulated)' };
  } else {
    reply = { drop: true };
    error = { code: 'DROPPED', message: 'connection dropped (simulated)' };
  }
  record(ctx, provider, request, {
    status: 'drop' in reply ? 0 : reply.status,
    error,
    fault: fault.kind,
  });
  return { reply, fault };
}

/** How long the answer to a send whose receipts come `early` waits for their first posts at most. */
const EARLY_WAIT_MS = 5_000;

/**
 * Orders the receipts of one accepted send as the behaviour says and starts posting them.
 * `build(failure)` gives the provider's receipts in their natural order; with a failure, the
 * failure receipts instead. Resolves at once, or with `early` once each receipt's first post was
 * answered (the send is answered after its receipts).
 */
export async function scheduleReceipts(
  ctx: SimContext,
  message: SimMessage,
  behaviour: Behaviour,
  build: (failure?: { code?: string }) => WebhookSpec[],
  forcedFailure?: { code: string },
): Promise<void> {
  if (!ctx.opts.receipts) return;
  const mode = behaviour.receipts ?? 'inOrder';
  if (mode === 'none') return;
  const failure = forcedFailure ?? (mode === 'failed' ? { code: behaviour.errorCode } : undefined);
  let specs = build(failure);
  if (mode === 'reversed') specs = specs.reverse();
  if (mode === 'duplicated') specs = specs.flatMap((s) => [s, { ...s, duplicate: true }]);
  const delay = behaviour.delayMs ?? (mode === 'delayed' ? 2000 : 0);
  const gap = ctx.opts.receiptGapMs;
  const from = message.webhooks.length;
  ctx.poster.chain(specs, message.webhooks, ctx.store.stats[message.provider], delay + gap, gap);
  if (!behaviour.early) return;
  const posted = message.webhooks.slice(from);
  const until = Date.now() + EARLY_WAIT_MS;
  while (posted.some((w) => w.attempts.length === 0) && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The webhook URL for a contract path, or undefined when no webhook base URL is set. */
export function webhookUrl(ctx: SimContext, path: string): string | undefined {
  const base = ctx.opts.webhookBaseUrl;
  return base ? `${base.replace(/\/+$/, '')}${path}` : undefined;
}

/** Inside the 24-hour customer-service window for this provider and number? */
export function inWindow(ctx: SimContext, provider: SimProvider, number: string): boolean {
  const last = ctx.lastInbound.get(`${provider}|${number.replace(/\D/g, '')}`);
  return last !== undefined && Date.now() - last < ctx.opts.windowMs;
}

/** Parses `application/x-www-form-urlencoded` into name → value (repeated names → arrays). */
export function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** India Standard Time as `YYYY-MM-DD HH:mm:ss` (MSG91 DLR dates carry no zone). */
export function istDateTime(ms = Date.now()): string {
  return new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
