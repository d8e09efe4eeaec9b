import { NotificationOps } from '@lekha/contracts';
import { SimulatorProcess } from '@lekha/launcher';
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

describe('notifications: a tenant’s own provider credentials', () => {
  let sim: SimulatorProcess;
  let simUrl: string;
  let h: UseCaseHarness;
  let seq = 0;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    sim = new SimulatorProcess({
      root: REPO_ROOT,
      env: { ...process.env, SIMULATOR_PORT: String(port), SIMULATOR_SMTP_PORT: 'off', MSG91_AUTH_KEY: OWN_KEY },
    });
    sim.start();
    simUrl = (await sim.waitReady()).url;
    h = await startNotifications({ MSG91_BASE_URL: simUrl });
  });
  afterAll(async () => {
    await h?.stop();
    await sim?.stop();
  });

  async function sendWith(authKey: string | null) {
    const owner = h.tenantCaller(['owner']);
    await h.call(
      NotificationOps.putSettings,
      {
        peId: '1101234567890123456',
        headers: ['LEKHAS'],
        providers: { sms: ['msg91'] },
        ...(authKey ? { credentials: { msg91: { authKey } } } : {}),
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
      const { id } = await h.call(
        NotificationOps.send,
        {
          idempotencyKey: `tenant-own-${Date.now()}-${++seq}`,
          template: 'appt',
          variables: ['Asha', '10:30'],
          to: { phone: `+91981234${String(5000 + seq).slice(-4)}` },
        },
        owner,
      );
      await h.get(Dispatcher).drain();
      return h.call(NotificationOps.getMessage, { id }, owner);
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
});
