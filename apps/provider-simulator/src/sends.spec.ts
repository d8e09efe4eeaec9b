import { verifyMetaSignature, verifyTwilioSignature } from '@lekha/providers';
import twilio from 'twilio';
import { startSimulator, type Simulator } from './simulator.js';
import { Receiver, type Received } from './test-receiver.js';

const TOKEN = 'path-token-123';
const creds = {
  msg91: { authKey: 'msg91-key' },
  gupshup: { userId: '2000123456', password: 'gs-pass' },
  twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-token' },
  whatsapp: {
    accessToken: 'wa-token',
    phoneNumberId: '123456789012345',
    appSecret: 'app-secret',
    verifyToken: 'verify-me',
  },
};

let sim: Simulator;
let hooks: Receiver;

beforeAll(async () => {
  hooks = await new Receiver().start();
  sim = await startSimulator({
    webhookBaseUrl: hooks.url,
    webhookPathToken: TOKEN,
    credentials: creds,
    smtpPort: false,
    receiptGapMs: 1,
    webhookBackoffMs: 5,
  });
});
afterAll(async () => {
  await sim.stop();
  await hooks.stop();
});
beforeEach(async () => {
  await sim.webhooksIdle();
  hooks.clear();
  sim.store.clear();
  sim.behaviours.clear();
});

const form = (r: Received) => Object.fromEntries(new URLSearchParams(r.body));
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function msg91(body: unknown, key = creds.msg91.authKey) {
  return fetch(`${sim.url}/api/v5/flow`, {
    method: 'POST',
    headers: { authkey: key, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

function twilioSend(params: Record<string, string>, token = creds.twilio.authToken) {
  const sid = creds.twilio.accountSid;
  return fetch(`${sim.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: basic(sid, token), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

function metaSend(body: unknown, token = creds.whatsapp.accessToken) {
  return fetch(`${sim.url}/v21.0/${creds.whatsapp.phoneNumberId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('MSG91 flow API', () => {
  const flow = {
    template_id: 'tmpl-1',
    sender: 'LEKHAS',
    short_url: '0',
    recipients: [{ mobiles: '919876543210', VAR1: 'Asha', otp: '4321' }],
  };

  it('accepts a flow send with the right authkey and posts a v2 DLR (form field data) to the token path', async () => {
    const res = await msg91(flow);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { type: string; message: string };
    expect(body.type).toBe('success');
    expect(body.message).toMatch(/^[0-9a-f]{24}$/);
    const [dlr] = await hooks.waitFor(1);
    expect(dlr.method).toBe('POST');
    expect(dlr.url).toBe(`/v1/webhooks/msg91/${TOKEN}`);
    expect(dlr.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const data = JSON.parse(form(dlr).data) as {
      requestId: string;
      senderId: string;
      report: Record<string, string>[];
    }[];
    expect(data[0].requestId).toBe(body.message);
    expect(data[0].senderId).toBe('LEKHAS');
    expect(data[0].report[0]).toMatchObject({ number: '919876543210', status: '1', desc: 'DELIVERED' });
    const [stored] = sim.store.list({ provider: 'msg91' });
    expect(stored.request).toMatchObject({
      to: '919876543210',
      template: { id: 'tmpl-1' },
      variables: { VAR1: 'Asha', otp: '4321' },
      sender: 'LEKHAS',
    });
    await sim.webhooksIdle();
    expect(stored.webhooks[0]).toMatchObject({ event: 'delivered', outcome: 'delivered' });
    expect(stored.webhooks[0].attempts[0].status).toBe(200);
  });

  it('posts a v3 DLR (flat JSON) when the behaviour asks for it', async () => {
    await fetch(`${sim.url}/_sim/behaviour`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'msg91', dlrFormat: 'v3' }),
    });
    const { message } = (await (await msg91(flow)).json()) as { message: string };
    const [dlr] = await hooks.waitFor(1);
    expect(dlr.headers['content-type']).toBe('application/json');
    expect(JSON.parse(dlr.body)).toMatchObject({ requestId: message, number: '919876543210', status: '1' });
  });

  it('refuses a wrong authkey with its error body, records the refusal and posts nothing', async () => {
    const res = await msg91(flow, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'error', code: '207' });
    expect(sim.store.stats.msg91).toMatchObject({ accepted: 0, rejected: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(hooks.received).toHaveLength(0);
  });

  it('refuses a send without template_id or with an invalid number (400, type error)', async () => {
    const noTemplate = await msg91({ recipients: flow.recipients });
    expect(noTemplate.status).toBe(400);
    expect(await noTemplate.json()).toEqual({ type: 'error', message: 'template_id is required' });
    const badNumber = await msg91({ ...flow, recipients: [{ mobiles: '98-76' }] });
    expect(badNumber.status).toBe(400);
    expect(((await badNumber.json()) as { message: string }).message).toBe('Invalid mobile number');
  });
});

describe('Gupshup Enterprise SMS', () => {
  const params = {
    method: 'SendMessage',
    userid: creds.gupshup.userId,
    password: creds.gupshup.password,
    send_to: '919876543210',
    msg: 'Your OTP is 4321 - Lekha',
    msg_type: 'TEXT',
    v: '1.1',
    auth_scheme: 'plain',
    format: 'text',
    mask: 'LEKHAS',
    principalEntityId: '1101234567890123456',
    dltTemplateId: '1107123456789012345',
  };

  it('accepts a GET send, answers `success | number | id`, posts the DLR as a GET to the token path', async () => {
    const res = await fetch(`${sim.url}/GatewayAPI/rest?${new URLSearchParams(params)}`);
    expect(res.status).toBe(200);
    const answer = await res.text();
    const [status, phone, id] = answer.split(' | ');
    expect([status, phone]).toEqual(['success', '919876543210']);
    expect(id).toMatch(/^\d{19}-\d{18}$/);
    const [dlr] = await hooks.waitFor(1);
    expect(dlr.method).toBe('GET');
    const u = new URL(dlr.url, hooks.url);
    expect(u.pathname).toBe(`/v1/webhooks/gupshup/${TOKEN}`);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      externalId: id,
      status: 'SUCCESS',
      cause: 'SUCCESS',
      phoneNo: '919876543210',
      errCode: '000',
      mask: 'LEKHAS',
    });
    const [stored] = sim.store.list({ provider: 'gupshup' });
    expect(stored.request).toMatchObject({
      to: '919876543210',
      text: params.msg,
      sender: 'LEKHAS',
      peId: params.principalEntityId,
      dltTemplateId: params.dltTemplateId,
    });
  });

  it('accepts a form POST with format=json and posts the DLR as a JSON array when asked', async () => {
    await fetch(`${sim.url}/_sim/behaviour`, {
      method: 'POST',
      body: JSON.stringify({ provider: 'gupshup', dlrFormat: 'post' }),
    });
    const res = await fetch(`${sim.url}/GatewayAPI/rest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, format: 'json' }).toString(),
    });
    const body = (await res.json()) as { response: { id: string; phone: string; status: string } };
    expect(body.response).toMatchObject({ status: 'success', phone: '919876543210' });
    const [dlr] = await hooks.waitFor(1);
    expect(dlr.method).toBe('POST');
    expect(JSON.parse(dlr.body)).toEqual([
      expect.objectContaining({ externalId: body.response.id, eventType: 'DELIVERED', destAddr: 919876543210 }),
    ]);
  });

  it('refuses a wrong password with `error | 102 | …` (text) and the JSON error shape', async () => {
    const text = await fetch(`${sim.url}/GatewayAPI/rest?${new URLSearchParams({ ...params, password: 'x' })}`);
    expect(await text.text()).toBe('error | 102 | Authentication failed');
    const json = await fetch(
      `${sim.url}/GatewayAPI/rest?${new URLSearchParams({ ...params, password: 'x', format: 'json' })}`,
    );
    expect(await json.json()).toEqual({
      response: { id: '102', phone: '', details: 'Authentication failed', status: 'error' },
    });
    expect(sim.store.stats.gupshup).toMatchObject({ accepted: 0, rejected: 2 });
  });
});

describe('Twilio Messages', () => {
  const sms = { To: '+919876543210', From: '+15005550006', Body: 'Namaste Asha' };

  it('answers 201 with the Message resource (queued) and posts sent then delivered, signed', async () => {
    const res = await twilioSend(sms);
    expect(res.status).toBe(201);
    const msg = (await res.json()) as Record<string, unknown>;
    expect(msg).toMatchObject({
      account_sid: creds.twilio.accountSid,
      to: sms.To,
      from: sms.From,
      body: sms.Body,
      status: 'queued',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      error_code: null,
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const callbacks = await hooks.waitFor(2);
    expect(callbacks.map((c) => form(c).MessageStatus)).toEqual(['sent', 'delivered']);
    for (const c of callbacks) {
      const url = `${hooks.url}${c.url}`;
      const params = form(c);
      const signature = c.headers['x-twilio-signature'] as string;
      expect(c.url).toBe('/v1/webhooks/twilio/status');
      expect(params).toMatchObject({ MessageSid: msg.sid, SmsSid: msg.sid, AccountSid: creds.twilio.accountSid });
      expect(verifyTwilioSignature(creds.twilio.authToken, signature, url, params)).toBe(true);
      // The official SDK agrees.
      expect(twilio.validateRequest(creds.twilio.authToken, signature, url, params)).toBe(true);
      expect(twilio.validateRequest('another-token', signature, url, params)).toBe(false);
      expect(c.headers['i-twilio-idempotency-token']).toBeTruthy();
    }
    expect(form(callbacks[1]).RawDlrDoneDate).toMatch(/^\d{10}$/);
  });

  it('posts to the StatusCallback given with the send; the message can be fetched with its latest status', async () => {
    const res = await twilioSend({ ...sms, StatusCallback: `${hooks.url}/custom/cb?tenant=t1` });
    const { sid } = (await res.json()) as { sid: string };
    const callbacks = await hooks.waitFor(2);
    expect(callbacks.map((c) => c.url)).toEqual(['/custom/cb?tenant=t1', '/custom/cb?tenant=t1']);
    const url = `${hooks.url}/custom/cb?tenant=t1`;
    expect(
      twilio.validateRequest(
        creds.twilio.authToken,
        callbacks[0].headers['x-twilio-signature'] as string,
        url,
        form(callbacks[0]),
      ),
    ).toBe(true);
    await sim.webhooksIdle();
    const fetched = await fetch(`${sim.url}/2010-04-01/Accounts/${creds.twilio.accountSid}/Messages/${sid}.json`, {
      headers: { authorization: basic(creds.twilio.accountSid, creds.twilio.authToken) },
    });
    expect(((await fetched.json()) as { status: string }).status).toBe('delivered');
  });

  it('WhatsApp (`whatsapp:` To/From) with a template: sent, delivered and read', async () => {
    const res = await twilioSend({
      To: 'whatsapp:+919876543210',
      From: 'whatsapp:+14155238886',
      ContentSid: 'HX0123456789abcdef0123456789abcdef',
      ContentVariables: JSON.stringify({ 1: 'Asha' }),
    });
    expect(res.status).toBe(201);
    const callbacks = await hooks.waitFor(3);
    expect(callbacks.map((c) => form(c).MessageStatus)).toEqual(['sent', 'delivered', 'read']);
    expect(form(callbacks[0]).To).toBe('whatsapp:+919876543210');
    const [stored] = sim.store.list({ provider: 'twilio' });
    expect(stored.request).toMatchObject({ channel: 'whatsapp', template: { id: expect.stringMatching(/^HX/) } });
    expect(stored.request.variables).toEqual({ 1: 'Asha' });
  });

  it('refuses wrong credentials with 401 and error 20003 in its error shape', async () => {
    const res = await twilioSend(sms, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('refuses an invalid To (21211), a missing body (21602) and mixed channels (21910)', async () => {
    const codes = [];
    for (const p of [
      { ...sms, To: '12345' },
      { To: sms.To, From: sms.From },
      { ...sms, From: 'whatsapp:+14155238886' },
    ]) {
      const res = await twilioSend(p);
      expect(res.status).toBe(400);
      codes.push(((await res.json()) as { code: number }).code);
    }
    expect(codes).toEqual([21211, 21602, 21910]);
  });
});

describe('WhatsApp Cloud API', () => {
  const template = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '919876543210',
    type: 'template',
    template: {
      name: 'appointment_reminder',
      language: { code: 'en' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Asha' },
            { type: 'text', text: '5 pm' },
          ],
        },
      ],
    },
  };

  it('answers contacts and a wamid; posts sent, delivered and read statuses signed with the app secret', async () => {
    const res = await metaSend(template);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messaging_product: string; contacts: unknown[]; messages: { id: string }[] };
    expect(body.messaging_product).toBe('whatsapp');
    expect(body.contacts).toEqual([{ input: '919876543210', wa_id: '919876543210' }]);
    expect(body.messages[0].id).toMatch(/^wamid\./);
    const posts = await hooks.waitFor(3);
    const statuses = posts.map((p) => {
      expect(p.url).toBe('/v1/webhooks/whatsapp');
      expect(verifyMetaSignature(creds.whatsapp.appSecret, p.headers['x-hub-signature-256'] as string, p.body)).toBe(
        true,
      );
      expect(verifyMetaSignature('other-secret', p.headers['x-hub-signature-256'] as string, p.body)).toBe(false);
      const payload = JSON.parse(p.body) as {
        object: string;
        entry: {
          changes: {
            field: string;
            value: {
              metadata: { phone_number_id: string };
              statuses: { id: string; status: string; recipient_id: string }[];
            };
          }[];
        }[];
      };
      expect(payload.object).toBe('whatsapp_business_account');
      const change = payload.entry[0].changes[0];
      expect(change.field).toBe('messages');
      expect(change.value.metadata.phone_number_id).toBe(creds.whatsapp.phoneNumberId);
      expect(change.value.statuses[0]).toMatchObject({ id: body.messages[0].id, recipient_id: '919876543210' });
      return change.value.statuses[0].status;
    });
    expect(statuses).toEqual(['sent', 'delivered', 'read']);
    const [stored] = sim.store.list({ provider: 'whatsapp-cloud' });
    expect(stored.request).toMatchObject({
      template: { name: 'appointment_reminder', language: 'en' },
      variables: ['Asha', '5 pm'],
    });
  });

  it('refuses a wrong access token with 401 and the Graph error envelope (code 190)', async () => {
    const res = await metaSend(template, 'wrong');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: number; type: string; fbtrace_id: string } };
    expect(body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(body.error.fbtrace_id).toBeTruthy();
  });

  it('refuses an unknown phone number ID (code 100) and a missing messaging_product', async () => {
    const res = await fetch(`${sim.url}/v21.0/999/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.whatsapp.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(template),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    const missing = await metaSend({ ...template, messaging_product: undefined });
    expect(missing.status).toBe(400);
  });

  it('performs the webhook verification handshake against the webhook URL, as Meta does', async () => {
    hooks.answer = (r) => {
      const q = new URL(r.url, hooks.url).searchParams;
      if (q.get('hub.mode') !== 'subscribe') return undefined;
      return q.get('hub.verify_token') === 'verify-me'
        ? { status: 200, body: q.get('hub.challenge') ?? '' }
        : { status: 403, body: 'no' };
    };
    const ok = (await (await fetch(`${sim.url}/_sim/verify-webhook`, { method: 'POST', body: '{}' })).json()) as {
      verified: boolean;
      status: number;
      url: string;
    };
    expect(ok).toMatchObject({ verified: true, status: 200 });
    expect(ok.url).toMatch(
      /\/v1\/webhooks\/whatsapp\?hub\.mode=subscribe&hub\.verify_token=verify-me&hub\.challenge=\d+$/,
    );
    const wrong = await fetch(`${sim.url}/_sim/verify-webhook`, {
      method: 'POST',
      body: JSON.stringify({ verifyToken: 'guess' }),
    });
    expect(await wrong.json()).toMatchObject({ verified: false, status: 403 });
  });
});
