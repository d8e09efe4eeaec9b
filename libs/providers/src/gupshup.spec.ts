import type { OutboundMessage } from './port.js';
import { GupshupSmsProvider } from './gupshup.js';
import { json, plain, startStub, type StubServer } from './spec-support.js';

const message: OutboundMessage = {
  messageId: 'msg_01HZX',
  channel: 'sms',
  to: '+919876543210',
  text: 'Dear Ravi, your OTP is 4821 & valid for 10 min. -LEKHA',
  sms: { header: 'LEKHAA', peId: '1201159876543210123', dltTemplateId: '1107161234567890123' },
};

const expectedParams = {
  method: 'SendMessage',
  userid: '2000123456',
  password: 'pa ss&word',
  send_to: '919876543210',
  msg: 'Dear Ravi, your OTP is 4821 & valid for 10 min. -LEKHA',
  msg_type: 'TEXT',
  v: '1.1',
  format: 'json',
  auth_scheme: 'plain',
  mask: 'LEKHAA',
  principalEntityId: '1201159876543210123',
  dltTemplateId: '1107161234567890123',
};

const success = {
  response: { id: '3562707498794989059-328736121207676738', phone: '919876543210', details: '', status: 'success' },
};

describe('GupshupSmsProvider', () => {
  let stub: StubServer;
  let provider: GupshupSmsProvider;
  beforeEach(async () => {
    stub = await startStub();
    provider = new GupshupSmsProvider({ userId: '2000123456', password: 'pa ss&word', baseUrl: stub.url });
  });
  afterEach(async () => {
    await stub.close();
  });

  it('POSTs SendMessage form-encoded with the DLT IDs and reads the JSON answer', async () => {
    stub.answer = (_req, res) => json(res, 200, success);
    const result = await provider.send(message);
    expect(result).toEqual({ ok: true, providerMessageId: '3562707498794989059-328736121207676738' });
    const [req] = stub.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/GatewayAPI/rest');
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req!.headers['authorization']).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual(expectedParams);
  });

  it('GET puts the same parameters in the query string; Unicode text goes as UNICODE_TEXT', async () => {
    stub.answer = (_req, res) => json(res, 200, success);
    const get = new GupshupSmsProvider({
      userId: '2000123456',
      password: 'pa ss&word',
      baseUrl: stub.url,
      httpMethod: 'GET',
    });
    await get.send({ ...message, text: 'प्रिय रवि, आपका OTP 4821 है' });
    const [req] = stub.requests;
    expect(req!.method).toBe('GET');
    const url = new URL(req!.url, stub.url);
    expect(url.pathname).toBe('/GatewayAPI/rest');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ...expectedParams,
      msg: 'प्रिय रवि, आपका OTP 4821 है',
      msg_type: 'UNICODE_TEXT',
    });
    expect(req!.body).toBe('');
  });

  it('reads the text format: success | phone | id', async () => {
    stub.answer = (_req, res) => plain(res, 200, 'success | 919876543210 | 3562707498794989059-328736121207676738\n');
    const text = new GupshupSmsProvider({ userId: 'u', password: 'p', baseUrl: stub.url, format: 'text' });
    expect(await text.send(message)).toEqual({ ok: true, providerMessageId: '3562707498794989059-328736121207676738' });
    expect(new URLSearchParams(stub.requests[0]!.body).get('format')).toBe('text');
  });

  it.each([
    ['102', 'Unauthorized', 'AUTH_FAILED', false],
    ['103', 'User id not found', 'AUTH_FAILED', false],
    ['105', 'Invalid phone number', 'INVALID_RECIPIENT', false],
    ['175', 'International number', 'INVALID_RECIPIENT', false],
    ['322', 'Too many requests', 'RATE_LIMITED', true],
    ['100', 'Unknown error', 'PROVIDER_UNAVAILABLE', true],
    ['101', 'Invalid request', 'REJECTED', false],
    ['106', 'Invalid method', 'REJECTED', false],
    ['299', 'DLT template not matched', 'TEMPLATE_REJECTED', false],
    ['298', 'Invalid mask', 'SENDER_REJECTED', false],
    ['297', 'Number is in DND', 'RECIPIENT_OPTED_OUT', false],
    ['296', 'Insufficient credits', 'INSUFFICIENT_BALANCE', false],
  ])('JSON error %s (%s) → %s', async (id, details, code, retryable) => {
    stub.answer = (_req, res) => json(res, 200, { response: { id, phone: '', details, status: 'error' } });
    expect(await provider.send(message)).toMatchObject({
      ok: false,
      code,
      retryable,
      maybeAccepted: false,
      providerCode: id,
    });
  });

  it.each([
    ['error | 105 | Invalid phone number', 'INVALID_RECIPIENT'],
    ['error | 102 | Authentication failed', 'AUTH_FAILED'],
    ['error | 322 | Too many requests', 'RATE_LIMITED'],
  ])('text error %j → %s', async (body, code) => {
    stub.answer = (_req, res) => plain(res, 200, body);
    expect(await provider.send(message)).toMatchObject({ ok: false, code, maybeAccepted: false });
  });

  it('an answer in neither format leaves the outcome unknown', async () => {
    stub.answer = (_req, res) => plain(res, 200, 'hello');
    expect(await provider.send(message)).toMatchObject({ ok: false, maybeAccepted: true });
  });

  it.each([
    [{ ...message, sms: { ...message.sms!, peId: '' } }, 'REJECTED'],
    [{ ...message, sms: undefined }, 'REJECTED'],
    [{ ...message, to: '+91-98765' }, 'INVALID_RECIPIENT'],
    [{ ...message, channel: 'email' as const }, 'REJECTED'],
  ])('refuses without sending: %#', async (bad, code) => {
    expect(await provider.send(bad)).toMatchObject({ ok: false, code, maybeAccepted: false });
    expect(stub.requests).toHaveLength(0);
  });
});
