/**
 * The provider simulator: MSG91, Gupshup Enterprise SMS, Twilio and the WhatsApp Cloud API on one
 * HTTP port, SMTP on another, each speaking the provider's wire format, with receipts posted back
 * to the platform's webhooks. A development and test tool: state in memory, no broker, no database.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Behaviours, SimInputError } from './behaviour.js';
import {
  json,
  text,
  webhookUrl,
  type Reply,
  type ResolvedOptions,
  type SimContext,
  type SimulatorCredentials,
} from './context.js';
import { renderPage } from './page.js';
import { gupshupSend } from './providers/gupshup.js';
import { msg91Send } from './providers/msg91.js';
import { RazorpaySim, razorpayApi, razorpayPay } from './providers/razorpay.js';
import { twilioFetch, twilioInbound, twilioSend } from './providers/twilio.js';
import { metaInbound, metaSend } from './providers/whatsapp-cloud.js';
import { startSmtp, type SmtpEndpoint } from './smtp.js';
import { MessageStore, providerName } from './store.js';
import { WebhookPoster } from './webhooks.js';

export type { SimulatorCredentials } from './context.js';
export type { SimMessage, ParsedRequest, PostedWebhook, SimProvider } from './store.js';

/** Credentials the simulator accepts when none are given (documented in docs/provider-simulator.md). */
export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  msg91: { authKey: 'sim-msg91-authkey' },
  gupshup: { userId: '2000100001', password: 'sim-gupshup-password' },
  twilio: { accountSid: 'AC00000000000000000000000000000000', authToken: 'sim-twilio-auth-token' },
  whatsapp: {
    accessToken: 'sim-whatsapp-access-token',
    phoneNumberId: '100000000000001',
    appSecret: 'sim-whatsapp-app-secret',
    wabaId: '100000000000002',
    verifyToken: 'sim-whatsapp-verify-token',
  },
  razorpay: {
    keyId: 'rzp_test_Sim000000000001',
    keySecret: 'sim-razorpay-key-secret',
    webhookSecret: 'sim-razorpay-webhook-secret',
    accountId: 'acc_Sim00000000001',
  },
};

export interface SimulatorOptions {
  /** HTTP port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** SMTP port; 0 (the default) picks a free one; false: no SMTP endpoint. */
  smtpPort?: number | false;
  /** Where receipts and inbound messages are posted (the gateway); absent → none are posted. */
  webhookBaseUrl?: string;
  /** The secret path segment of the unsigned providers' webhooks (MSG91, Gupshup). */
  webhookPathToken?: string;
  credentials?: {
    msg91?: Partial<SimulatorCredentials['msg91']>;
    gupshup?: Partial<SimulatorCredentials['gupshup']>;
    twilio?: Partial<SimulatorCredentials['twilio']>;
    whatsapp?: Partial<SimulatorCredentials['whatsapp']>;
    razorpay?: Partial<SimulatorCredentials['razorpay']>;
    smtp?: SimulatorCredentials['smtp'];
  };
  /** Post receipts at all (default true; the ceiling benchmark turns them off). */
  receipts?: boolean;
  /** Pause before each receipt of a send (default 10 ms). */
  receiptGapMs?: number;
  /** Further attempts of a webhook that got no 2xx (default 3), backoff ms × 4^n (default 250 ms). */
  webhookRetries?: number;
  webhookBackoffMs?: number;
  webhookTimeoutMs?: number;
  /** The WhatsApp customer-service window (default 24 h). */
  windowMs?: number;
  /** Messages kept (default 10,000). */
  capacity?: number;
}

export interface Simulator {
  url: string;
  port: number;
  smtpPort?: number;
  credentials: SimulatorCredentials;
  webhookPathToken: string;
  store: MessageStore;
  behaviours: Behaviours;
  /** The simulated Razorpay account. */
  razorpay: RazorpaySim;
  /** Resolves when every receipt posted so far has been delivered or given up. */
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: Reply): void {
  if ('drop' in reply) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, {
    'content-type': reply.type,
    'content-length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  res.end(reply.body);
}

const simError = (status: number, code: string, message: string) => json(status, { error: { code, message } });

const TWILIO_SEND = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const TWILIO_FETCH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const META_SEND = /^\/v\d+(?:\.\d+)?\/([^/]+)\/messages$/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const c = options.credentials ?? {};
  const credentials: SimulatorCredentials = {
    msg91: { ...DEFAULT_CREDENTIALS.msg91, ...defined(c.msg91) },
    gupshup: { ...DEFAULT_CREDENTIALS.gupshup, ...defined(c.gupshup) },
    twilio: { ...DEFAULT_CREDENTIALS.twilio, ...defined(c.twilio) },
    whatsapp: { ...DEFAULT_CREDENTIALS.whatsapp, ...defined(c.whatsapp) },
    razorpay: { ...DEFAULT_CREDENTIALS.razorpay, ...defined(c.razorpay) },
    ...(c.smtp ? { smtp: c.smtp } : {}),
  };
  const opts: ResolvedOptions = {
    credentials,
    webhookBaseUrl: options.webhookBaseUrl || undefined,
    webhookPathToken: options.webhookPathToken || 'sim-webhook-token',
    receipts: options.receipts ?? true,
    receiptGapMs: options.receiptGapMs ?? 10,
    windowMs: options.windowMs ?? 24 * 3_600_000,
  };
  const ctx: SimContext = {
    opts,
    store: new MessageStore(options.capacity ?? 10_000),
    behaviours: new Behaviours(),
    poster: new WebhookPoster({
      retries: options.webhookRetries ?? 3,
      backoffMs: options.webhookBackoffMs ?? 250,
      timeoutMs: options.webhookTimeoutMs ?? 5000,
    }),
    lastInbound: new Map(),
    optedOut: new Set(),
    razorpay: new RazorpaySim(credentials.razorpay),
  };

  const route = async (req: IncomingMessage, body: Buffer, path: string, query: URLSearchParams): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const sreq = { method, path, query, headers: req.headers, body, raw: req };
    if (path.startsWith('/_sim/')) return control(ctx, method, path, query, body);
    if (path === '/' && method === 'GET')
      return {
        ...text(200, renderPage(ctx.store), 'text/html; charset=utf-8'),
        // Everything on the page is escaped; the policy is a second wall (no scripts at all).
        headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
      };
    if ((path === '/api/v5/flow' || path === '/api/v5/flow/') && method === 'POST') return msg91Send(ctx, sreq);
    if (path === '/GatewayAPI/rest' && (method === 'GET' || method === 'POST')) return gupshupSend(ctx, sreq);
    let m = TWILIO_SEND.exec(path);
    if (m && method === 'POST') return twilioSend(ctx, sreq, m[1]);
    m = TWILIO_FETCH.exec(path);
    if (m && method === 'GET') return twilioFetch(ctx, sreq, m[1], m[2]);
    if (path.startsWith('/v1/')) {
      const rzp = razorpayApi(ctx, ctx.razorpay, sreq);
      if (rzp) return rzp;
    }
    m = META_SEND.exec(path);
    if (m && method === 'POST') return metaSend(ctx, sreq, m[1]);
    return simError(404, 'NOT_FOUND', `no simulated endpoint for ${method} ${path}`);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
      let reply: Reply;
      try {
        const body = await readBody(req);
        reply = body ? await route(req, body, path, query) : simError(413, 'TOO_LARGE', 'body over 1 MiB');
      } catch (err) {
        reply =
          err instanceof SimInputError
            ? simError(err.status, err.code, err.message)
            : simError(500, 'SIMULATOR_ERROR', (err as Error).message);
      }
      if (!res.destroyed) write(res, reply);
    })();
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let smtp: SmtpEndpoint | undefined;
  try {
    if (options.smtpPort !== false) smtp = await startSmtp(ctx, options.smtpPort ?? 0, host);
  } catch (err) {
    server.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    ...(smtp ? { smtpPort: smtp.port } : {}),
    credentials,
    webhookPathToken: opts.webhookPathToken,
    store: ctx.store,
    behaviours: ctx.behaviours,
    razorpay: ctx.razorpay,
    webhooksIdle: () => ctx.poster.idle(),
    async stop() {
      ctx.poster.close();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), smtp?.close()]);
    },
  };
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch {
    throw new SimInputError('INVALID_JSON', 'the body is not valid JSON');
  }
}

/** The control API under `/_sim/`. */
async function control(
  ctx: SimContext,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): Promise<Reply> {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_sim/health':
      return json(200, { ok: true });
    case 'GET /_sim/messages': {
      const p = query.get('provider');
      const provider = p ? providerName(p) : undefined;
      if (p && !provider) throw new SimInputError('INVALID_QUERY', `unknown provider ${JSON.stringify(p)}`);
      const l = query.get('limit');
      const limit = l === null ? 100 : Number(l);
      const most = Math.max(10_000, ctx.store.capacity);
      if (!Number.isInteger(limit) || limit < 1 || limit > most)
        throw new SimInputError('INVALID_QUERY', `limit must be a whole number from 1 to ${most}`);
      const id = query.get('id');
      if (id) {
        // One provider message ID (an MSG91 request to several numbers has one per number).
        const all = ctx.store.list({ provider, to: query.get('to') ?? undefined, limit: ctx.store.capacity });
        return json(200, { messages: all.filter((m) => m.response.providerMessageId === id).slice(0, limit) });
      }
      const messages = ctx.store.list({ provider, to: query.get('to') ?? undefined, limit });
      return json(200, { messages });
    }
    case 'DELETE /_sim/messages': {
      const cleared = ctx.store.size;
      ctx.store.clear();
      return json(200, { cleared });
    }
    case 'GET /_sim/stats':
      return json(200, {
        providers: ctx.store.stats,
        stored: ctx.store.size,
        capacity: ctx.store.capacity,
        pendingWebhookChains: ctx.poster.pending,
      });
    case 'GET /_sim/behaviour':
      return json(200, { rules: ctx.behaviours.list() });
    case 'POST /_sim/behaviour':
      return json(200, { rule: ctx.behaviours.set(parseJson(body)) });
    case 'DELETE /_sim/behaviour':
      ctx.behaviours.clear();
      return json(200, { rules: [] });
    case 'POST /_sim/razorpay/pay':
      return razorpayPay(ctx, ctx.razorpay, parseJson(body));
    case 'GET /_sim/razorpay': {
      const r = ctx.razorpay;
      return json(200, {
        orders: [...r.orders.values()],
        payments: [...r.payments.values()],
        refunds: [...r.refunds.values()],
        webhooks: r.webhooks,
      });
    }
    case 'DELETE /_sim/razorpay':
      ctx.razorpay.clear();
      return json(200, { cleared: true });
    case 'POST /_sim/inbound':
      return inbound(ctx, parseJson(body));
    case 'POST /_sim/verify-webhook':
      return verifyWebhook(ctx, parseJson(body));
    default:
      return simError(404, 'NOT_FOUND', `no control endpoint ${route}`);
  }
}

/**
 * Meta's webhook verification handshake, as Meta does it when the callback URL is configured:
 * `GET /v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`; passes when the
 * answer is 200 with the challenge as its body. `verifyToken` overrides the configured token (to test
 * a wrong one).
 */
async function verifyWebhook(ctx: SimContext, input: unknown): Promise<Reply> {
  const b = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  if (b.verifyToken !== undefined && typeof b.verifyToken !== 'string')
    throw new SimInputError('INVALID_VERIFY', 'verifyToken must be a string');
  const base = webhookUrl(ctx, '/v1/webhooks/whatsapp');
  if (!base) throw new SimInputError('NO_WEBHOOK_BASE_URL', 'no webhook base URL is configured', 409);
  const challenge = randomBytes(8).readBigUInt64BE().toString();
  const query = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': (b.verifyToken as string | undefined) ?? ctx.opts.credentials.whatsapp.verifyToken,
    'hub.challenge': challenge,
  });
  const url = `${base}?${query}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const answer = await res.text();
    return json(200, { url, status: res.status, verified: res.status === 200 && answer === challenge });
  } catch (err) {
    return json(200, { url, error: (err as Error).message, verified: false });
  }
}

function inbound(ctx: SimContext, input: unknown): Reply {
  if (!input || typeof input !== 'object') throw new SimInputError('INVALID_INBOUND', 'the body must be an object');
  const b = input as Record<string, unknown>;
  const provider = providerName(b.provider);
  if (typeof b.from !== 'string' || !/\d{8,15}/.test(b.from.replace(/\D/g, '')))
    throw new SimInputError('INVALID_INBOUND', 'from must be a phone number');
  if (typeof b.text !== 'string' || !b.text) throw new SimInputError('INVALID_INBOUND', 'text is required');
  if (b.to !== undefined && typeof b.to !== 'string') throw new SimInputError('INVALID_INBOUND', 'to must be a string');
  if (provider === 'twilio') {
    const m = twilioInbound(ctx, b.from, b.to as string | undefined, b.text);
    return json(202, { message: m });
  }
  if (provider === 'whatsapp-cloud') return json(202, { message: metaInbound(ctx, b.from, b.text) });
  throw new SimInputError(
    'INVALID_INBOUND',
    'provider must be twilio or whatsapp-cloud (MSG91 and Gupshup SMS inbound are not simulated)',
  );
}
