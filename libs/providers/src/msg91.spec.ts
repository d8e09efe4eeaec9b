import type { OutboundMessage } from './port.js';
import { Msg91SmsProvider } from './msg91.js';
import { json, plain, startStub, type StubServer } from './spec-support.js';

const message: OutboundMessage = {
  messageId: 'msg_01HZX',
  channel: 'sms',
  to: '+919876543210',
  text: 'Dear Ravi, your appointment is at 10:30. -LEKHA',
  variables: ['Ravi', '10:30'],
  sms: {
    header: 'LEKHAA',
    peId: '1201159876543210123',
    dltTemplateId: '1107161234567890123',
    providerTemplateId: '65f1c0ffee0123456789abcd',
  },
};

describe('Msg91SmsProvider', () => {
  let stub: StubServer;
  let provider: Msg91SmsProvider;
  beforeEach(async () => {
    stub = await startStub();
    provider = new Msg91SmsProvider({ authKey: 'auth-key-123', baseUrl: `${stub.url}/`, timeoutMs: 2000 });
  });
  afterEach(async () => {
    await stub.close();
  });

  it('posts the flow API wire format and returns the request ID', async () => {
    stub.answer = (_req, res) => json(res, 200, { type: 'success', message: '3467656a6c4d373330313330' });
    const result = await provider.send(message);
    expect(result).toEqual({ ok: true, providerMessageId: '3467656a6c4d373330313330' });
    expect(stub.requests).toHaveLength(1);
    const [req] = stub.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/api/v5/flow');
    expect(req!.headers['authkey']).toBe('auth-key-123');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['authorization']).toBeUndefined();
    expect(JSON.parse(req!.body)).toEqual({
      template_id: '65f1c0ffee0123456789abcd',
      short_url: '0',
      sender: 'LEKHAA',
      DLT_TE_ID: '1107161234567890123',
      recipients: [{ mobiles: '919876543210', VAR1: 'Ravi', VAR2: '10:30' }],
    });
  });

  it('sends several messages of one template as one request, each recipient with its own variables', async () => {
    stub.answer = (_req, res) => json(res, 200, { type: 'success', message: 'req-many' });
    const second = { ...message, messageId: 'msg_2', to: '+919812345678', variables: ['Asha', '11:00'] };
    const notANumber = { ...message, messageId: 'msg_3', to: '98765' };
    expect(provider.batchKey(second)).toBe(provider.batchKey(message));
    expect(provider.batchKey({ ...message, sms: { ...message.sms!, providerTemplateId: 'other' } })).not.toBe(
      provider.batchKey(message),
    );
    const results = await provider.sendMany([message, notANumber, second]);
    expect(results).toEqual([
      { ok: true, providerMessageId: 'req-many' },
      expect.objectContaining({ ok: false, code: 'INVALID_RECIPIENT', maybeAccepted: false }),
      { ok: true, providerMessageId: 'req-many' },
    ]);
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(stub.requests[0]!.body).recipients).toEqual([
      { mobiles: '919876543210', VAR1: 'Ravi', VAR2: '10:30' },
      { mobiles: '919812345678', VAR1: 'Asha', VAR2: '11:00' },
    ]);
  });

  it('a refusal of the whole request is every message’s result', async () => {
    stub.answer = (_req, res) => json(res, 400, { type: 'error', message: 'Invalid mobile number', code: '202' });
    const second = { ...message, messageId: 'msg_2', to: '+919812345678' };
    const results = await provider.sendMany([message, second]);
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ ok: false, code: 'INVALID_RECIPIENT', maybeAccepted: false });
    expect(stub.requests).toHaveLength(1);
  });

  it('names the flow variables as configured and can leave out DLT_TE_ID', async () => {
    stub.answer = (_req, res) => json(res, 200, { type: 'success', message: 'r1' });
    const named = new Msg91SmsProvider({
      authKey: 'k',
      baseUrl: stub.url,
      variableNames: ['name', 'time'],
      sendDltTemplateId: false,
    });
    await named.send(message);
    const body = JSON.parse(stub.requests[0]!.body);
    expect(body.recipients).toEqual([{ mobiles: '919876543210', name: 'Ravi', time: '10:30' }]);
    expect(body).not.toHaveProperty('DLT_TE_ID');
  });

  it.each([
    [200, { type: 'error', message: 'Authentication failure' }, 'AUTH_FAILED', false],
    [401, { type: 'error', message: 'Unauthorized', code: '401' }, 'AUTH_FAILED', false],
    [200, { type: 'error', message: 'IP not whitelisted', code: '418' }, 'AUTH_FAILED', false],
    [200, { type: 'error', message: 'Insufficient balance', code: '301' }, 'INSUFFICIENT_BALANCE', false],
    [200, { type: 'error', message: 'Your balance is low' }, 'INSUFFICIENT_BALANCE', false],
    [400, { type: 'error', message: 'Invalid mobile number', code: '202' }, 'INVALID_RECIPIENT', false],
    [400, { type: 'error', message: 'Mobile number is invalid' }, 'INVALID_RECIPIENT', false],
    [400, { type: 'error', message: 'Invalid sender ID', code: '203' }, 'SENDER_REJECTED', false],
    [400, { type: 'error', message: 'Template ID Missing or Invalid Template' }, 'TEMPLATE_REJECTED', false],
    [400, { type: 'error', message: 'Number is in DND' }, 'RECIPIENT_OPTED_OUT', false],
    [429, { type: 'error', message: 'Too many requests' }, 'RATE_LIMITED', true],
    [500, { type: 'error', message: 'Something went wrong' }, 'PROVIDER_UNAVAILABLE', true],
    [400, { type: 'error', message: 'Bad request' }, 'REJECTED', false],
  ])('HTTP %i %j → %s (retryable %s), certainly not accepted', async (status, body, code, retryable) => {
    stub.answer = (_req, res) => json(res, status, body);
    const result = await provider.send(message);
    expect(result).toMatchObject({ ok: false, code, retryable, maybeAccepted: false });
  });

  it('error 311 (the same request twice within 10 s) is not counted as certainly unsent', async () => {
    stub.answer = (_req, res) =>
      json(res, 200, { type: 'error', code: '311', message: 'Request discarded because same request twice' });
    expect(await provider.send(message)).toMatchObject({
      ok: false,
      code: 'REJECTED',
      providerCode: '311',
      retryable: false,
      maybeAccepted: true,
    });
  });

  it('a 200 that is not a flow answer leaves the outcome unknown', async () => {
    stub.answer = (_req, res) => plain(res, 200, 'OK');
    expect(await provider.send(message)).toMatchObject({ ok: false, maybeAccepted: true });
  });

  it('masks a phone number the provider echoes in its error message', async () => {
    stub.answer = (_req, res) => json(res, 400, { type: 'error', message: 'Invalid mobile number 919876543210' });
    const result = await provider.send(message);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('9876543210');
  });

  it.each([
    [{ ...message, sms: { ...message.sms!, providerTemplateId: undefined } }, 'TEMPLATE_REJECTED'],
    [{ ...message, to: '98765' }, 'INVALID_RECIPIENT'],
    [{ ...message, channel: 'whatsapp' as const }, 'REJECTED'],
  ])('refuses without sending: %#', async (bad, code) => {
    expect(await provider.send(bad)).toMatchObject({ ok: false, code, maybeAccepted: false, retryable: false });
    expect(stub.requests).toHaveLength(0);
  });
});
