import type { MessagingProvider, OutboundMessage } from './port.js';
import { GupshupSmsProvider } from './gupshup.js';
import { Msg91SmsProvider } from './msg91.js';
import { TwilioProvider } from './twilio.js';
import { WhatsAppCloudProvider } from './whatsapp-cloud.js';
import { plain, refusedUrl, startStub, type StubServer } from './spec-support.js';

const TIMEOUT_MS = 300;

const sms: OutboundMessage = {
  messageId: 'msg_01',
  channel: 'sms',
  to: '+919876543210',
  text: 'Your appointment is at 10:30',
  variables: ['10:30'],
  sms: {
    header: 'LEKHAA',
    peId: '1201159876543210123',
    dltTemplateId: '1107161234567890123',
    providerTemplateId: 't1',
  },
};
const whatsapp: OutboundMessage = { messageId: 'msg_02', channel: 'whatsapp', to: '+919876543210', text: 'Hi' };

const adapters: [string, (baseUrl: string) => MessagingProvider, OutboundMessage][] = [
  ['msg91', (baseUrl) => new Msg91SmsProvider({ authKey: 'k', baseUrl, timeoutMs: TIMEOUT_MS }), sms],
  ['gupshup', (baseUrl) => new GupshupSmsProvider({ userId: 'u', password: 'p', baseUrl, timeoutMs: TIMEOUT_MS }), sms],
  [
    'twilio',
    (baseUrl) => new TwilioProvider({ accountSid: 'AC1', authToken: 't', baseUrl, timeoutMs: TIMEOUT_MS }),
    sms,
  ],
  [
    'whatsapp-cloud',
    (baseUrl) => new WhatsAppCloudProvider({ accessToken: 't', phoneNumberId: '1065', baseUrl, timeoutMs: TIMEOUT_MS }),
    whatsapp,
  ],
];

describe.each(adapters)('%s over a misbehaving network', (_name, make, message) => {
  let stub: StubServer;
  beforeEach(async () => {
    stub = await startStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('a server that never answers → TIMEOUT, maybe accepted, retryable, within the timeout', async () => {
    stub.answer = 'hang';
    const started = performance.now();
    const result = await make(stub.url).send(message);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', maybeAccepted: true, retryable: true });
    expect(stub.requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 700);
  });

  it('connection refused → PROVIDER_UNAVAILABLE, certainly not accepted, retryable', async () => {
    const result = await make(await refusedUrl()).send(message);
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE', maybeAccepted: false, retryable: true });
  });

  it('the connection drops after the request → PROVIDER_UNAVAILABLE, maybe accepted', async () => {
    stub.answer = (_req, res) => res.socket?.destroy();
    const result = await make(stub.url).send(message);
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE', maybeAccepted: true, retryable: true });
  });

  it('a 5xx with an unreadable body → PROVIDER_UNAVAILABLE, maybe accepted, retryable', async () => {
    stub.answer = (_req, res) => plain(res, 502, '<html>Bad Gateway</html>', 'text/html');
    const result = await make(stub.url).send(message);
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE', maybeAccepted: true, retryable: true });
  });

  it('a caller abort ends the send at once, outcome unknown', async () => {
    stub.answer = 'hang';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const result = await make(stub.url).send(message, { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', maybeAccepted: true });
  });
});
