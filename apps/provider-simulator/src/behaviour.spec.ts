import { verifyMetaSignature } from '@lekha/providers';
import twilio from 'twilio';
import { startSimulator, type Simulator } from './simulator.js';
import { Receiver, type Received } from './test-receiver.js';

const creds = {
  twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-token' },
  whatsapp: { accessToken: 'wa-token', phoneNumberId: '123456789012345', appSecret: 'app-secret' },
  msg91: { authKey: 'msg91-key' },
};
const ASHA = '+919876543210';
const RAVI = '+919812345678';

let sim: Simulator;
let hooks: Receiver;

async function start(extra: Parameters<typeof startSimulator>[0] = {}) {
  return startSimulator({
    webhookBaseUrl: hooks.url,
    credentials: creds,
    smtpPort: false,
    receiptGapMs: 1,
    webhookBackoffMs: 5,
    ...extra,
  });
}

beforeAll(async () => {
  hooks = await new Receiver().start();
  sim = await start();
});
afterAll(async () => {
  await sim.stop();
  await hooks.stop();
});
beforeEach(async () => {
  await sim.webhooksIdle();
  hooks.clear();
  sim.store.clear();
  await fetch(`${sim.url}/_sim/behaviour`, { method: 'DELETE' });
});

const form = (r: Received) => Object.fromEntries(new URLSearchParams(r.body));
const statusOf = (r: Received) =>
  r.url.startsWith('/v1/webhooks/whatsapp')
    ? (JSON.parse(r.body) as { entry: { changes: { value: { statuses: { status: string }[] } }[] }[] }).entry[0]
        .changes[0].value.statuses[0].status
    : form(r).MessageStatus;

async function behaviour(body: unknown): Promise<Response> {
  return fetch(`${sim.url}/_sim/behaviour`, { method: 'POST', body: JSON.stringify(body) });
}

function twilioSend(to = ASHA, signal?: AbortSignal, s: Simulator = sim) {
  const sid = creds.twilio.accountSid;
  return fetch(`${s.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${creds.twilio.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: to, From: '+15005550006', Body: 'Reminder: 5 pm' }).toString(),
    signal,
  });
}

function metaSend(body: Record<string, unknown>, s: Simulator = sim) {
  return fetch(`${s.url}/v21.0/${creds.whatsapp.phoneNumberId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${creds.whatsapp.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', to: '919876543210', ...body }),
  });
}

const text = { type: 'text', text: { body: 'Your table is ready' } };
const template = { type: 'template', template: { name: 'reminder', language: { code: 'en' } } };

describe('receipt behaviours', () => {
  it('reversed: delivered arrives before sent', async () => {
    await behaviour({ provider: 'twilio', receipts: 'reversed' });
    await twilioSend();
    const posts = await hooks.waitFor(2);
    expect(posts.map(statusOf)).toEqual(['delivered', 'sent']);
  });

  it('duplicated: every receipt twice, byte for byte, with the same idempotency token', async () => {
    await behaviour({ provider: 'twilio', receipts: 'duplicated' });
    await twilioSend();
    const posts = await hooks.waitFor(4);
    expect(posts.map(statusOf)).toEqual(['sent', 'sent', 'delivered', 'delivered']);
    expect(posts[1].body).toBe(posts[0].body);
    expect(posts[1].headers['i-twilio-idempotency-token']).toBe(posts[0].headers['i-twilio-idempotency-token']);
    expect(posts[1].headers['x-twilio-signature']).toBe(posts[0].headers['x-twilio-signature']);
    await sim.webhooksIdle();
    expect(sim.store.list()[0].webhooks.filter((w) => w.duplicate)).toHaveLength(2);
  });

  it('delayed: the first receipt comes no sooner than delayMs after the send', async () => {
    await behaviour({ provider: 'twilio', receipts: 'delayed', delayMs: 300 });
    const sentAt = Date.now();
    await twilioSend();
    await new Promise((r) => setTimeout(r, 150));
    expect(hooks.received).toHaveLength(0);
    const posts = await hooks.waitFor(2);
    expect(posts[0].at - sentAt).toBeGreaterThanOrEqual(290);
  });

  it('failed: Twilio SMS ends undelivered with the given ErrorCode; Meta posts failed with its code', async () => {
    await behaviour({ receipts: 'failed', errorCode: 30005 });
    await twilioSend();
    const posts = await hooks.waitFor(2);
    expect(posts.map(statusOf)).toEqual(['sent', 'undelivered']);
    expect(form(posts[1]).ErrorCode).toBe('30005');
    hooks.clear();
    await behaviour({ provider: 'whatsapp-cloud', receipts: 'failed', errorCode: 131026 });
    await metaSend(template);
    const [failed] = await hooks.waitFor(1);
    const status = (
      JSON.parse(failed.body) as {
        entry: { changes: { value: { statuses: { status: string; errors: { code: number }[] }[] } }[] }[];
      }
    ).entry[0].changes[0].value.statuses[0];
    expect(status.status).toBe('failed');
    expect(status.errors[0].code).toBe(131026);
  });

  it('delivered: false leaves out delivered, as Meta does when a message is delivered and read at once', async () => {
    await behaviour({ provider: 'meta', delivered: false });
    await metaSend(template);
    const posts = await hooks.waitFor(2);
    await sim.webhooksIdle();
    expect(hooks.received.map(statusOf)).toEqual(['sent', 'read']);
    expect(posts).toHaveLength(2);
  });

  it('Twilio with a Messaging Service only: 201 accepted, then queued, sent, delivered', async () => {
    const sid = creds.twilio.accountSid;
    const res = await fetch(`${sim.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sid}:${creds.twilio.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: ASHA, MessagingServiceSid: 'MG0123', Body: 'hi' }).toString(),
    });
    expect(((await res.json()) as { status: string }).status).toBe('accepted');
    const posts = await hooks.waitFor(3);
    expect(posts.map(statusOf)).toEqual(['queued', 'sent', 'delivered']);
    expect(form(posts[0]).MessagingServiceSid).toBe('MG0123');
  });

  it('none: nothing is posted', async () => {
    await behaviour({ provider: 'twilio', receipts: 'none' });
    expect((await twilioSend()).status).toBe(201);
    await new Promise((r) => setTimeout(r, 100));
    expect(hooks.received).toHaveLength(0);
  });

  it('a rule for one recipient leaves the others in order', async () => {
    await behaviour({ to: RAVI, receipts: 'reversed' });
    await twilioSend(RAVI);
    const ravi = await hooks.waitFor(2, (r) => form(r).To === RAVI);
    expect(ravi.map(statusOf)).toEqual(['delivered', 'sent']);
    await twilioSend(ASHA);
    const asha = await hooks.waitFor(2, (r) => form(r).To === ASHA);
    expect(asha.map(statusOf)).toEqual(['sent', 'delivered']);
  });

  it('retries a webhook that gets no 2xx, with backoff, and records every attempt', async () => {
    hooks.statuses = [500, 503];
    await twilioSend();
    await hooks.waitFor(4);
    await sim.webhooksIdle();
    const [first] = sim.store.list()[0].webhooks;
    expect(first.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(first.outcome).toBe('delivered');
  });

  it('gives up after the retries and records the failure', async () => {
    hooks.statuses = [500, 500, 500, 500];
    await twilioSend();
    await sim.webhooksIdle();
    const [first, second] = sim.store.list()[0].webhooks;
    expect(first.attempts).toHaveLength(4);
    expect(first.outcome).toBe('failed');
    expect(second.outcome).toBe('delivered');
    expect(sim.store.stats.twilio).toMatchObject({ webhooksFailed: 1, webhooksPosted: 1 });
  });
});

describe('send-time faults', () => {
  it('fails the next N sends with the given provider error, then accepts again', async () => {
    await behaviour({ provider: 'twilio', fault: { kind: 'error', count: 2, code: 20429 } });
    const first = await twilioSend();
    const second = await twilioSend();
    const third = await twilioSend();
    expect([first.status, second.status, third.status]).toEqual([429, 429, 201]);
    expect(((await first.json()) as { code: number }).code).toBe(20429);
    expect(sim.store.stats.twilio).toMatchObject({ accepted: 1, rejected: 2 });
  });

  it('answers slowly enough for a client timeout, and still takes the message (outcome unknown)', async () => {
    await behaviour({ provider: 'twilio', fault: { kind: 'slow', ms: 400 } });
    await expect(twilioSend(ASHA, AbortSignal.timeout(100))).rejects.toThrow();
    // Taken about 400 ms after it arrived, after the client gave up.
    const deadline = Date.now() + 5000;
    while (sim.store.list({ provider: 'twilio' }).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const [m] = sim.store.list({ provider: 'twilio' });
    expect(m.response).toMatchObject({ status: 201, fault: 'slow' });
  });

  it('a fault set for any number of an MSG91 request is the whole request’s', async () => {
    await behaviour({ provider: 'msg91', to: RAVI, fault: { kind: 'error', code: '301' } });
    const flow = (numbers: string[]) =>
      fetch(`${sim.url}/api/v5/flow`, {
        method: 'POST',
        headers: { authkey: creds.msg91.authKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          template_id: 't1',
          recipients: numbers.map((n) => ({ mobiles: n.slice(1), VAR1: 'x' })),
        }),
      });
    const refused = await flow([ASHA, RAVI]);
    expect(refused.status).toBeGreaterThanOrEqual(200);
    expect(await refused.json()).toMatchObject({ type: 'error', code: '301' });
    // Taken once: the next request with the same numbers goes through, one request ID for both.
    const taken = (await (await flow([ASHA, RAVI])).json()) as { type: string; message: string };
    expect(taken.type).toBe('success');
    const ids = sim.store.list({ provider: 'msg91' }).filter((m) => m.response.status === 200);
    expect(ids.map((m) => m.response.providerMessageId)).toEqual([taken.message, taken.message]);
  });

  it('answers 5xx', async () => {
    await behaviour({ provider: 'whatsapp-cloud', fault: { kind: '5xx', status: 502 } });
    const res = await metaSend(template);
    expect(res.status).toBe(502);
    expect((await metaSend(template)).status).toBe(200);
  });

  it('drops the connection without an answer', async () => {
    await behaviour({ to: ASHA, fault: { kind: 'drop' } });
    await expect(twilioSend(ASHA)).rejects.toThrow();
    expect(sim.store.list()[0].response).toMatchObject({ fault: 'drop', error: { code: 'DROPPED' } });
    expect((await twilioSend(ASHA)).status).toBe(201);
  });

  it('refuses an invalid behaviour with 400 and a clear message', async () => {
    const res = await behaviour({ receipts: 'sideways' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_BEHAVIOUR', message: expect.stringContaining('receipts must be one of') },
    });
    expect((await behaviour({ fault: { kind: '5xx', status: 200 } })).status).toBe(400);
    expect((await behaviour({ provider: 'pigeon' })).status).toBe(400);
  });
});

describe('WhatsApp 24-hour window and inbound messages', () => {
  it('free-form text to a number that never wrote: accepted, then a failed status with 131047', async () => {
    const res = await metaSend(text);
    expect(res.status).toBe(200);
    const [post] = await hooks.waitFor(1);
    const status = (
      JSON.parse(post.body) as {
        entry: {
          changes: { value: { statuses: { status: string; errors: { code: number; title: string }[] }[] } }[];
        }[];
      }
    ).entry[0].changes[0].value.statuses[0];
    expect(status.status).toBe('failed');
    expect(status.errors[0]).toMatchObject({ code: 131047, title: 'Re-engagement message' });
  });

  it('with windowError sync, the same send is refused at once (400, code 131047)', async () => {
    await behaviour({ provider: 'whatsapp-cloud', windowError: 'sync' });
    const res = await metaSend(text);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(131047);
  });

  it('a template outside the window is delivered', async () => {
    await metaSend(template);
    const posts = await hooks.waitFor(3);
    expect(posts.map(statusOf)).toEqual(['sent', 'delivered', 'read']);
  });

  it('an inbound message is posted signed, opens the window, and free-form text is then delivered', async () => {
    const res = await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'whatsapp-cloud', from: '+919876543210', text: 'Is 5 pm okay? ✓' }),
    });
    expect(res.status).toBe(202);
    const [inbound] = await hooks.waitFor(1);
    expect(
      verifyMetaSignature(creds.whatsapp.appSecret, inbound.headers['x-hub-signature-256'] as string, inbound.body),
    ).toBe(true);
    // Non-ASCII is escaped as \uXXXX, as Meta serialises it; the parsed text is intact.
    expect(inbound.body).toContain('\\u2713');
    const value = (
      JSON.parse(inbound.body) as {
        entry: { changes: { value: { messages: { from: string; type: string; text: { body: string } }[] } }[] }[];
      }
    ).entry[0].changes[0].value;
    expect(value.messages[0]).toMatchObject({ from: '919876543210', type: 'text', text: { body: 'Is 5 pm okay? ✓' } });
    hooks.clear();
    await metaSend(text);
    const posts = await hooks.waitFor(3);
    expect(posts.map(statusOf)).toEqual(['sent', 'delivered', 'read']);
  });

  it('the window closes after windowMs', async () => {
    const short = await start({ windowMs: 150 });
    try {
      await fetch(`${short.url}/_sim/inbound`, {
        method: 'POST',
        body: JSON.stringify({ provider: 'meta', from: '919876543210', text: 'hi' }),
      });
      await new Promise((r) => setTimeout(r, 200));
      hooks.clear();
      await metaSend(text, short);
      const posts = await hooks.waitFor(1, (r) => r.body.includes('statuses'));
      expect(statusOf(posts[0])).toBe('failed');
    } finally {
      await short.stop();
    }
  });

  it('Twilio inbound STOP is posted signed with OptOutType, and later sends get 21610 until START', async () => {
    const stop = await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'twilio', from: ASHA, to: '+15005550006', text: 'STOP' }),
    });
    expect(stop.status).toBe(202);
    const [post] = await hooks.waitFor(1);
    expect(post.url).toBe('/v1/webhooks/twilio/inbound');
    const params = form(post);
    expect(params).toMatchObject({ From: ASHA, To: '+15005550006', Body: 'STOP', OptOutType: 'STOP' });
    const url = `${hooks.url}${post.url}`;
    expect(
      twilio.validateRequest(creds.twilio.authToken, post.headers['x-twilio-signature'] as string, url, params),
    ).toBe(true);
    const refused = await twilioSend(ASHA);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: number }).code).toBe(21610);
    await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'twilio', from: ASHA, text: 'START' }),
    });
    expect((await twilioSend(ASHA)).status).toBe(201);
  });

  it('Twilio WhatsApp free-form outside the window fails with 63016', async () => {
    const sid = creds.twilio.accountSid;
    await fetch(`${sim.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sid}:${creds.twilio.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: `whatsapp:${RAVI}`, From: 'whatsapp:+14155238886', Body: 'hi' }).toString(),
    });
    const [post] = await hooks.waitFor(1);
    expect(form(post)).toMatchObject({ MessageStatus: 'failed', ErrorCode: '63016' });
  });

  it('refuses an inbound message for a provider without inbound, or without text', async () => {
    const res = await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'msg91', from: ASHA, text: 'hi' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_INBOUND');
    const noText = await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'twilio', from: ASHA }),
    });
    expect(noText.status).toBe(400);
  });
});
