import type { OutboundMessage } from './port.js';
import { TwilioProvider } from './twilio.js';
import { json, startStub, type StubServer } from './spec-support.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token';

const sms: OutboundMessage = {
  messageId: 'msg_01HZX',
  channel: 'sms',
  to: '+919876543210',
  text: 'Your appointment is at 10:30',
  sms: { header: 'LEKHAA', peId: '1201159876543210123', dltTemplateId: '1107161234567890123' },
  statusCallbackUrl: 'https://lekha.example/v1/webhooks/twilio/status',
};

function created(body: Record<string, unknown> = {}) {
  return {
    sid: 'SM0123456789abcdef0123456789abcdef',
    account_sid: SID,
    status: 'queued',
    direction: 'outbound-api',
    num_segments: '1',
    error_code: null,
    error_message: null,
    date_created: 'Mon, 30 Nov 2026 19:00:00 +0000',
    api_version: '2010-04-01',
    ...body,
  };
}

describe('TwilioProvider', () => {
  let stub: StubServer;
  let provider: TwilioProvider;
  beforeEach(async () => {
    stub = await startStub();
    provider = new TwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      baseUrl: stub.url,
      whatsappFrom: '+14155238886',
      whatsappContentSids: { appointment_reminder: 'HXb5b62575e6e4ff6129ad7c8efe1f983e' },
    });
  });
  afterEach(async () => {
    await stub.close();
  });

  it('SMS: form-encoded PascalCase with Basic auth, 201 → the SID', async () => {
    stub.answer = (_req, res) => json(res, 201, created());
    expect(await provider.send(sms)).toEqual({ ok: true, providerMessageId: 'SM0123456789abcdef0123456789abcdef' });
    const [req] = stub.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req!.headers['authorization']).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req!.headers['accept']).toBe('application/json');
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({
      To: '+919876543210',
      From: 'LEKHAA',
      Body: 'Your appointment is at 10:30',
      StatusCallback: 'https://lekha.example/v1/webhooks/twilio/status',
    });
  });

  it('WhatsApp free-form: whatsapp: To and From, Body', async () => {
    stub.answer = (_req, res) => json(res, 201, created());
    await provider.send({ messageId: 'm', channel: 'whatsapp', to: '+919876543210', text: 'नमस्ते Ravi' });
    expect(Object.fromEntries(new URLSearchParams(stub.requests[0]!.body))).toEqual({
      To: 'whatsapp:+919876543210',
      From: 'whatsapp:+14155238886',
      Body: 'नमस्ते Ravi',
    });
  });

  it('WhatsApp template: ContentSid and ContentVariables as a JSON string, no Body', async () => {
    stub.answer = (_req, res) => json(res, 201, created());
    await provider.send({
      messageId: 'm',
      channel: 'whatsapp',
      to: '+919876543210',
      text: 'rendered',
      variables: ['Ravi', '10:30'],
      whatsappTemplate: { name: 'appointment_reminder', language: 'en' },
    });
    const form = Object.fromEntries(new URLSearchParams(stub.requests[0]!.body));
    expect(form).toEqual({
      To: 'whatsapp:+919876543210',
      From: 'whatsapp:+14155238886',
      ContentSid: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
      ContentVariables: '{"1":"Ravi","2":"10:30"}',
    });
  });

  it('WhatsApp template: the Content SID registered with the template wins over the configured map', async () => {
    stub.answer = (_req, res) => json(res, 201, created());
    await provider.send({
      messageId: 'm',
      channel: 'whatsapp',
      to: '+919876543210',
      text: 'rendered',
      variables: ['Ravi'],
      whatsappTemplate: {
        name: 'appointment_reminder',
        language: 'en',
        contentSid: 'HX0123456789abcdef0123456789abcdef',
      },
    });
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(form.get('ContentSid')).toBe('HX0123456789abcdef0123456789abcdef');
    expect(form.get('ContentVariables')).toBe('{"1":"Ravi"}');
    expect(form.has('Body')).toBe(false);
  });

  it('a Messaging Service replaces From', async () => {
    stub.answer = (_req, res) => json(res, 201, created({ status: 'accepted' }));
    const viaService = new TwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      baseUrl: stub.url,
      messagingServiceSid: 'MG1',
    });
    expect((await viaService.send(sms)).ok).toBe(true);
    const form = new URLSearchParams(stub.requests[0]!.body);
    expect(form.get('MessagingServiceSid')).toBe('MG1');
    expect(form.has('From')).toBe(false);
  });

  it.each([
    [401, 20003, 'Authenticate', 'AUTH_FAILED', false],
    [429, 20429, 'Too Many Requests', 'RATE_LIMITED', true],
    [400, 21211, "The 'To' number +91987654 is not a valid phone number.", 'INVALID_RECIPIENT', false],
    [400, 21614, "'To' number is not a valid mobile number", 'INVALID_RECIPIENT', false],
    [400, 21610, 'Attempt to send to unsubscribed recipient', 'RECIPIENT_OPTED_OUT', false],
    [
      400,
      21606,
      "The 'From' phone number provided is not a valid message-capable Twilio phone number",
      'SENDER_REJECTED',
      false,
    ],
    [
      400,
      63016,
      'Failed to send freeform message because you are outside the allowed window',
      'OUTSIDE_24H_WINDOW',
      false,
    ],
    [400, 21609, 'Invalid StatusCallback', 'REJECTED', false],
    [400, 99999, 'Something new', 'REJECTED', false],
    [503, 20500, 'Internal Server Error', 'PROVIDER_UNAVAILABLE', true],
  ])('HTTP %i code %i → %s', async (status, code, message, ours, retryable) => {
    stub.answer = (_req, res) =>
      json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    const result = await provider.send(sms);
    expect(result).toMatchObject({
      ok: false,
      code: ours,
      retryable,
      maybeAccepted: false,
      providerCode: String(code),
    });
    expect(JSON.stringify(result)).not.toContain('987654');
  });

  it.each([
    [{ ...sms, channel: 'email' as const }, 'REJECTED'],
    [{ ...sms, to: 'not a number' }, 'INVALID_RECIPIENT'],
    [
      {
        messageId: 'm',
        channel: 'whatsapp' as const,
        to: '+919876543210',
        text: 't',
        whatsappTemplate: { name: 'unknown', language: 'en' },
      },
      'TEMPLATE_REJECTED',
    ],
  ])('refuses without sending: %#', async (bad, code) => {
    expect(await provider.send(bad)).toMatchObject({ ok: false, code, maybeAccepted: false });
    expect(stub.requests).toHaveLength(0);
  });

  it('WhatsApp with no WhatsApp sender configured → SENDER_REJECTED, nothing sent', async () => {
    const smsOnly = new TwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      baseUrl: stub.url,
      smsFrom: '+15005550006',
    });
    const result = await smsOnly.send({ messageId: 'm', channel: 'whatsapp', to: '+919876543210', text: 't' });
    expect(result).toMatchObject({ ok: false, code: 'SENDER_REJECTED' });
    expect(stub.requests).toHaveLength(0);
  });
});
