import type { OutboundMessage } from './port.js';
import { WhatsAppCloudProvider } from './whatsapp-cloud.js';
import { json, startStub, type StubServer } from './spec-support.js';

const text: OutboundMessage = { messageId: 'msg_01HZX', channel: 'whatsapp', to: '+919876543210', text: 'Hello Ravi' };
const template: OutboundMessage = {
  messageId: 'msg_01HZY',
  channel: 'whatsapp',
  to: '+919876543210',
  text: 'rendered for the record',
  variables: ['Ravi', '10:30'],
  whatsappTemplate: { name: 'appointment_reminder', language: 'en_IN' },
};
const accepted = {
  messaging_product: 'whatsapp',
  contacts: [{ input: '+919876543210', wa_id: '919876543210' }],
  messages: [{ id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzVFMjg0', message_status: 'accepted' }],
};

describe('WhatsAppCloudProvider', () => {
  let stub: StubServer;
  let provider: WhatsAppCloudProvider;
  beforeEach(async () => {
    stub = await startStub();
    provider = new WhatsAppCloudProvider({
      accessToken: 'EAAG-token',
      phoneNumberId: '106540352242922',
      baseUrl: stub.url,
    });
  });
  afterEach(async () => {
    await stub.close();
  });

  it('free-form text: Bearer, JSON, version and phone number ID in the path; wamid back', async () => {
    stub.answer = (_req, res) => json(res, 200, accepted);
    expect(await provider.send(text)).toEqual({ ok: true, providerMessageId: accepted.messages[0]!.id });
    const [req] = stub.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/v21.0/106540352242922/messages');
    expect(req!.headers['authorization']).toBe('Bearer EAAG-token');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      biz_opaque_callback_data: 'msg_01HZX',
      type: 'text',
      text: { preview_url: false, body: 'Hello Ravi' },
    });
  });

  it('template: name, language code and body parameters in order; the API version is configurable', async () => {
    stub.answer = (_req, res) => json(res, 200, accepted);
    const v22 = new WhatsAppCloudProvider({
      accessToken: 't',
      phoneNumberId: '1065',
      baseUrl: stub.url,
      apiVersion: 'v22.0',
    });
    await v22.send(template);
    expect(stub.requests[0]!.url).toBe('/v22.0/1065/messages');
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      biz_opaque_callback_data: 'msg_01HZY',
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'en_IN' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ravi' },
              { type: 'text', text: '10:30' },
            ],
          },
        ],
      },
    });
  });

  it('a template without variables has no components', async () => {
    stub.answer = (_req, res) => json(res, 200, accepted);
    await provider.send({ ...template, variables: [] });
    expect(JSON.parse(stub.requests[0]!.body).template).toEqual({
      name: 'appointment_reminder',
      language: { code: 'en_IN' },
    });
  });

  it.each([
    [400, 131047, 'Re-engagement message', 'OUTSIDE_24H_WINDOW', false],
    [400, 131026, 'Message undeliverable', 'INVALID_RECIPIENT', false],
    [429, 130429, 'Rate limit hit', 'RATE_LIMITED', true],
    [400, 131056, 'Pair rate limit hit', 'RATE_LIMITED', true],
    [401, 190, 'Error validating access token', 'AUTH_FAILED', false],
    [404, 132001, 'Template name does not exist in the translation', 'TEMPLATE_REJECTED', false],
    [400, 132000, 'Number of parameters does not match', 'TEMPLATE_REJECTED', false],
    [400, 131050, 'User stopped marketing messages', 'RECIPIENT_OPTED_OUT', false],
    [400, 100, 'Invalid parameter', 'REJECTED', false],
    [500, 131000, 'Something went wrong', 'PROVIDER_UNAVAILABLE', true],
    [500, 2, 'Service temporarily unavailable', 'PROVIDER_UNAVAILABLE', true],
    [400, 999999, 'A code nobody has seen', 'REJECTED', false],
  ])('HTTP %i code %i (%s) → %s', async (status, code, message, ours, retryable) => {
    stub.answer = (_req, res) =>
      json(res, status, {
        error: {
          message: `(#${code}) ${message}`,
          type: 'OAuthException',
          code,
          error_data: { messaging_product: 'whatsapp', details: message },
          error_subcode: 2494010,
          fbtrace_id: 'AbCdEfGh',
        },
      });
    expect(await provider.send(text)).toMatchObject({
      ok: false,
      code: ours,
      retryable,
      maybeAccepted: false,
      providerCode: String(code),
    });
  });

  it('a 200 without messages[0].id leaves the outcome unknown', async () => {
    stub.answer = (_req, res) => json(res, 200, { messaging_product: 'whatsapp', messages: [] });
    expect(await provider.send(text)).toMatchObject({ ok: false, maybeAccepted: true });
  });

  it.each([
    [{ ...text, channel: 'sms' as const }, 'REJECTED'],
    [{ ...text, to: '12' }, 'INVALID_RECIPIENT'],
  ])('refuses without sending: %#', async (bad, code) => {
    expect(await provider.send(bad)).toMatchObject({ ok: false, code, maybeAccepted: false });
    expect(stub.requests).toHaveLength(0);
  });
});
