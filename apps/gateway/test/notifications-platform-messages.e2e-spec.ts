import type { SimulatorProcess } from '@lekha/launcher';
import { startSendingSimulator, startTestPlatform, type TestPlatform } from '@lekha/testing';
import { awaitMessage, client, uniquePhone } from './identity-test-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SimMessage {
  provider: string;
  direction: string;
  request: {
    channel: string;
    to: string;
    text?: string;
    subject?: string;
    variables?: string[] | Record<string, string>;
    sender?: string;
    peId?: string;
    dltTemplateId?: string;
  };
  response: { status: number; providerMessageId?: string };
}

/**
 * Identity's own messages (sign-in codes, password resets) go through the platform's providers —
 * SMS through MSG91, email over SMTP — from notifications' durable queue, with the platform account's
 * DLT registration; the development inbox still keeps a copy (outside production). The simulator
 * stands in for the providers over real HTTP and SMTP.
 */
describe('platform messages through the providers', () => {
  let tp: TestPlatform;
  let sim: SimulatorProcess;
  let simUrl: string;
  let call: ReturnType<typeof client>;
  const stamp = Date.now().toString(36);
  const owner = {
    name: 'Farah Khan',
    email: `farah.${stamp}@tiffin.in`,
    phone: uniquePhone(),
    password: 'dabbas before noon daily',
    ageConfirmed: true,
  };
  let token: string;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ sim, url: simUrl, platformEnv: env } = await startSendingSimulator());
    tp = await startTestPlatform({ env });
    call = client(tp.gatewayUrl);
    const res = await call('POST', '/v1/auth/signup', {
      body: { business: { name: 'Farah Tiffins', stateCode: '27' }, owner },
    });
    expect(res.status).toBe(201);
    token = res.body.accessToken;
  });

  afterAll(async () => {
    await tp?.stop();
    await sim?.stop();
  });

  async function atSimulator(to: string, match: (m: SimMessage) => boolean): Promise<SimMessage> {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${simUrl}/_sim/messages?to=${encodeURIComponent(to)}&limit=50`);
      const found = ((await res.json()) as { messages: SimMessage[] }).messages.find(
        (m) => m.direction === 'outbound' && match(m),
      );
      if (found) return found;
      await sleep(200);
    }
    throw new Error(`no message to ${to} reached the simulator`);
  }

  it('P51: a sign-in code is texted through MSG91 with the platform DLT IDs; the dev inbox keeps a copy', async () => {
    expect((await call('POST', '/v1/auth/otp/request', { body: { phone: owner.phone } })).status).toBe(202);
    const copy = await awaitMessage(tp.gatewayUrl, owner.phone, (_b, purpose) => purpose === 'otp_login');
    const code = copy.slice(0, 6);
    expect(code).toMatch(/^\d{6}$/);
    const sent = await atSimulator(owner.phone, (m) => JSON.stringify(m.request.variables ?? '').includes(code));
    expect(sent).toMatchObject({
      provider: 'msg91',
      request: { channel: 'sms', sender: 'LEKHAA', dltTemplateId: '1107000000000000001' },
      response: { status: 200 },
    });
    // The message is in the tenant's queue's record: sent, through MSG91, with the provider's ID.
    let view: { status?: string; provider?: string; providerMessageId?: string } = {};
    for (let i = 0; i < 50 && view.status !== 'sent'; i++) {
      const list = await call('GET', '/v1/notifications/messages?limit=50', { token });
      expect(list.status).toBe(200);
      view = list.body.items.find((m: { template: string }) => m.template === 'platform:otp_login') ?? {};
      if (view.status !== 'sent') await sleep(200);
    }
    expect(view).toMatchObject({
      status: 'sent',
      provider: 'msg91',
      providerMessageId: sent.response.providerMessageId,
    });
    // The code works (the copy and the text are the same message).
    const ok = await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code } });
    expect(ok.status).toBe(200);
  });

  it('P51: a password-reset token is mailed over SMTP with its subject; the dev inbox keeps a copy', async () => {
    expect((await call('POST', '/v1/auth/password-reset/request', { body: { email: owner.email } })).status).toBe(202);
    const copy = await awaitMessage(tp.gatewayUrl, owner.email, (_b, p) => p === 'password_reset');
    const resetToken = /token is (\S+)/.exec(copy)![1]!;
    const mail = await atSimulator(owner.email, (m) => (m.request.text ?? '').includes(resetToken));
    expect(mail).toMatchObject({
      provider: 'smtp',
      request: { channel: 'email', subject: 'Reset your Lekha password' },
    });
  });

  it('never writes a code or a reset token into any service log', async () => {
    const copies = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(owner.phone)}`);
    const secrets = copies.body.items.map((m: { body: string }) => m.body.slice(0, 6));
    expect(secrets.length).toBeGreaterThan(0);
    const { readFile, readdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    for (const file of await readdir(tp.logDir)) {
      const text = await readFile(join(tp.logDir, file), 'utf8');
      for (const s of secrets) expect(text.includes(`"${s}`) || text.includes(` ${s} `)).toBe(false);
    }
  });
});
