import { NotificationOps } from '@lekha/contracts';
import { SimulatorProcess } from '@lekha/launcher';
import { twilioSignature } from '@lekha/providers';
import { anonymousContext } from '@lekha/tenancy';
import { REPO_ROOT, freePorts } from '@lekha/testing';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { Dispatcher } from '../src/outbound/dispatcher.js';
import { startNotifications } from './notifications-harness.js';

/**
 * A tenant's own provider account: its credentials (write-only settings) build its own adapter,
 * which takes precedence over the platform's for that tenant and is built again when the settings
 * change. The provider is the simulator over real HTTP; the platform has no MSG91 account here.
 */
const OWN_KEY = 'tenant-own-authkey';
const TWILIO_SID = `AC${'1'.repeat(32)}`;
const TWILIO_TOKEN = 'tenant-own-twilio-token';

describe('notifications: a tenant’s own provider credentials', () => {
  let sim: SimulatorProcess;
  let simUrl: string;
  let h: UseCaseHarness;
  let seq = 0;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    sim = new SimulatorProcess({
      root: REPO_ROOT,
      env: {
        ...process.env,
        SIMULATOR_PORT: String(port),
        SIMULATOR_SMTP_PORT: 'off',
        MSG91_AUTH_KEY: OWN_KEY,
        TWILIO_ACCOUNT_SID: TWILIO_SID,
        TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      },
    });
    sim.start();
    simUrl = (await sim.waitReady()).url;
    h = await startNotifications({ MSG91_BASE_URL: simUrl, TWILIO_BASE_URL: simUrl });
  });
  afterAll(async () => {
    await h?.stop();
    await sim?.stop();
  });

  async function sendWith(authKey: string | null, twilio?: Record<string, string>) {
    const owner = h.tenantCaller(['owner']);
    await h.call(
      NotificationOps.putSettings,
      {
        peId: '1101234567890123456',
        headers: ['LEKHAS'],
        providers: { sms: [twilio ? 'twilio' : 'msg91'] },
        ...(authKey ? { credentials: { msg91: { authKey } } } : {}),
        ...(twilio ? { credentials: { twilio } } : {}),
      },
      owner,
    );
    await h.call(
      NotificationOps.registerTemplate,
      {
        key: 'appt',
        channel: 'sms',
        category: 'service_implicit',
        header: 'LEKHAS',
        dltTemplateId: '1107161234567890123',
        providerTemplateId: '6650a1b2c3d4e5f601234567',
        text: 'Dear {#var#}, your visit is at {#var#}. -Lekha',
      },
      owner,
    );
    const send = async () => {
      const phone = `+91981234${String(5000 + seq + 1).slice(-4)}`;
      const { id } = await h.call(
        NotificationOps.send,
        {
          idempotencyKey: `tenant-own-${Date.now()}-${++seq}`,
          template: 'appt',
          variables: ['Asha', '10:30'],
          to: { phone },
        },
        owner,
      );
      await h.get(Dispatcher).drain();
      // The number too: an MSG91 report names the request and the number it was for.
      return { ...(await h.call(NotificationOps.getMessage, { id }, owner)), phone };
    };
    return { owner, send };
  }

  it('P09: sends through the tenant’s own MSG91 account; with none and no platform account nothing sends', async () => {
    const own = await sendWith(OWN_KEY);
    const sent = await own.send();
    expect(sent).toMatchObject({ status: 'sent', provider: 'msg91', providerMessageId: expect.any(String) });
    const got = (await (await fetch(`${simUrl}/_sim/messages?id=${sent.providerMessageId}`)).json()) as {
      messages: { provider: string; response: { status: number } }[];
    };
    expect(got.messages).toMatchObject([{ provider: 'msg91', response: { status: 200 } }]);

    const none = await sendWith(null);
    expect(await none.send()).toMatchObject({ status: 'failed', error: { code: 'NO_PROVIDER_LEFT' } });
  });

  it('P09: a change of credentials builds the tenant’s adapter again (a wrong key is refused)', async () => {
    const t = await sendWith(OWN_KEY);
    expect(await t.send()).toMatchObject({ status: 'sent' });
    await h.call(
      NotificationOps.putSettings,
      {
        peId: '1101234567890123456',
        headers: ['LEKHAS'],
        providers: { sms: ['msg91'] },
        credentials: { msg91: { authKey: 'revoked-authkey' } },
      },
      t.owner,
    );
    expect(await t.send()).toMatchObject({ status: 'failed', error: { code: 'AUTH_FAILED' } });
  });

  it('a webhook on a tenant’s own path is verified with its credentials and touches only its messages', async () => {
    const t = await sendWith(null, { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
    const sent = await t.send();
    expect(sent).toMatchObject({ status: 'sent', provider: 'twilio' });
    const other = await sendWith(null, { accountSid: TWILIO_SID, authToken: 'another-tenant-token' });
    const receipt = (tenantId: string, token: string, ctx = anonymousContext(), sid = sent.providerMessageId!) => {
      const url = `https://hooks.lekha.example/v1/webhooks/twilio/t/${tenantId}/status`;
      const params = { MessageSid: sid, MessageStatus: 'delivered' };
      return h.call(
        NotificationOps.receiveWebhook,
        {
          route: 'twilio-status',
          tenantId,
          url,
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(token, url, params),
          },
          body: Buffer.from(new URLSearchParams(params).toString()).toString('base64'),
        },
        ctx,
      );
    };
    // Signed with another key than the tenant's: refused (audited as denied), no effect.
    const forged = anonymousContext();
    await expect(receipt(t.owner.tenantId, 'not-the-token', forged)).rejects.toMatchObject({
      reason: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(await h.auditRecords(forged.requestId)).toMatchObject([
      { outcome: 'denied', reason: 'signature_invalid_twilio-status', resource: { type: 'notification_webhook' } },
    ]);
    // Another tenant's own account cannot move this tenant's message, even correctly signed for its path:
    // taken (the provider need not post it again) with no effect.
    expect(await receipt(other.owner.tenantId, 'another-tenant-token')).toMatchObject({ receipts: 1, parked: 0 });
    // A message not recorded (yet): parked for when its send is recorded, not applied to anything now.
    expect(await receipt(t.owner.tenantId, TWILIO_TOKEN, anonymousContext(), `SM${'0'.repeat(32)}`)).toMatchObject({
      receipts: 1,
      parked: 1,
    });
    expect(await h.call(NotificationOps.getMessage, { id: sent.id }, t.owner)).toMatchObject({ status: 'sent' });
    // A tenant that does not exist gets no keyset made for it and is refused.
    await expect(receipt('01930000-0000-7000-8000-000000000000', TWILIO_TOKEN)).rejects.toMatchObject({
      reason: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(await receipt(t.owner.tenantId, TWILIO_TOKEN)).toMatchObject({ receipts: 1, duplicates: 0 });
    expect(await h.call(NotificationOps.getMessage, { id: sent.id }, t.owner)).toMatchObject({ status: 'delivered' });
  });

  it('an MSG91 report on a tenant’s own path comes in only from the addresses the tenant allowed', async () => {
    const t = await sendWith(OWN_KEY);
    const allowed = {
      authKey: OWN_KEY,
      webhookToken: 'own-path-token',
      webhookSources: '203.0.113.0/24, 2001:db8::/32',
    };
    await expect(
      h.call(
        NotificationOps.putSettings,
        {
          peId: '1101234567890123456',
          headers: ['LEKHAS'],
          providers: { sms: ['msg91'] },
          credentials: { msg91: { ...allowed, webhookSources: '203.0.113.0/24, msg91.example' } },
        },
        t.owner,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await h.call(
      NotificationOps.putSettings,
      {
        peId: '1101234567890123456',
        headers: ['LEKHAS'],
        providers: { sms: ['msg91'] },
        credentials: { msg91: allowed },
      },
      t.owner,
    );
    const sent = await t.send();
    expect(sent).toMatchObject({ status: 'sent', provider: 'msg91' });
    const report = (sourceIp: string | undefined, ctx = anonymousContext()) =>
      h.call(
        NotificationOps.receiveWebhook,
        {
          route: 'msg91',
          tenantId: t.owner.tenantId,
          token: 'own-path-token',
          ...(sourceIp ? { sourceIp } : {}),
          url: `https://hooks.lekha.example/v1/webhooks/msg91/t/${t.owner.tenantId}/own-path-token`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(
            JSON.stringify({
              requestId: sent.providerMessageId,
              number: sent.phone.slice(1),
              status: '1',
              desc: 'DELIVERED',
            }),
          ).toString('base64'),
        },
        ctx,
      );
    // The right path token from an address outside the list: refused, audited, no effect.
    for (const source of ['198.51.100.7', undefined]) {
      const outsider = anonymousContext();
      await expect(report(source, outsider)).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
        reason: 'WEBHOOK_SOURCE_NOT_ALLOWED',
      });
      expect(await h.auditRecords(outsider.requestId)).toMatchObject([
        { outcome: 'denied', reason: 'source_not_allowed_msg91' },
      ]);
    }
    expect(await h.call(NotificationOps.getMessage, { id: sent.id }, t.owner)).toMatchObject({ status: 'sent' });
    // From inside the list (an IPv4 address as a dual-stack socket reports it): applied.
    expect(await report('::ffff:203.0.113.77')).toMatchObject({ receipts: 1, duplicates: 0 });
    expect(await h.call(NotificationOps.getMessage, { id: sent.id }, t.owner)).toMatchObject({ status: 'delivered' });
  });
});
