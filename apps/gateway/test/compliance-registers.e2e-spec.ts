import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatorProcess, simulatorEnvironment } from '@lekha/launcher';
import { REPO_ROOT, api, freePorts, request, signupTenant, startTestPlatform, type TestPlatform } from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies and simulator records are asserted field by field */

/**
 * The oversight registers through the gateway, with notices delivered by the provider simulator: a
 * law-enforcement request tells the tenant's owner at once, or — under a legal bar — only once the
 * bar has ended (the notice round of compliance hands it over then, once); a breach by a leaked API
 * key finds its affected customers in the audit trail of the key's real reads through the gateway,
 * and its notices reach each of them and the owner exactly once, with the delivery receipts the
 * simulator posts back recorded on each notice. A platform of its own: the shared one has no simulator.
 */
describe('compliance registers: law-enforcement requests and breaches', () => {
  let tp: TestPlatform;
  let sim: SimulatorProcess;
  let simUrl: string;
  let http: ReturnType<typeof api>;
  let admin: string;
  let secretDir: string;
  const stamp = Date.now().toString(36);
  const adminLogin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase for registers' };
  let seq = 0;
  const phoneOf = () => `+9198${String(Date.now() + seq++ * 7919).slice(-8)}`;

  const simMessages = async (to: string): Promise<any[]> =>
    (await request<any>(simUrl, 'GET', `/_sim/messages?to=${encodeURIComponent(to)}&limit=50`)).body.messages.filter(
      (m: any) => m.direction === 'outbound',
    );
  async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: not reached; last ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }
  const textOf = (m: any) => JSON.stringify(m.request);

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-registers-admin-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${adminLogin.password}\n`, { mode: 0o600 });
    const [simulatorPort, smtpPort] = await freePorts(2);
    // The gateway's URL is known only once it starts: the simulator gets it then (for its receipts).
    const environment = simulatorEnvironment({
      simulatorPort: simulatorPort!,
      smtpPort: smtpPort!,
      gatewayUrl: 'http://127.0.0.1:1',
    });
    const { PUBLIC_WEBHOOK_BASE_URL: _unused, ...platformEnv } = environment.platform;
    tp = await startTestPlatform({
      env: {
        ...platformEnv,
        PLATFORM_ADMIN_EMAIL: adminLogin.email,
        PLATFORM_ADMIN_PASSWORD_FILE: passwordFile,
        SIGNUP_MAX_PER_IP: '100000',
        NOTIFICATIONS_DISPATCH_INTERVAL_MS: '50',
        REGISTER_NOTICES_INTERVAL_MS: '250',
      },
    });
    http = api(tp.gatewayUrl);
    sim = new SimulatorProcess({
      root: REPO_ROOT,
      env: { ...process.env, ...environment.simulator, SIMULATOR_WEBHOOK_BASE_URL: tp.gatewayUrl },
    });
    sim.start();
    simUrl = (await sim.waitReady()).url;
    const login = await http.post('/v1/auth/login', adminLogin);
    expect(login.status).toBe(200);
    admin = login.body.accessToken;
  });

  afterAll(async () => {
    await sim?.stop();
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  const ownerEmail = (who: string) => `${who.toLowerCase()}.${stamp}@example.in`;

  it('P41: a request tells the owner at once; under a legal bar only after it ends, exactly once', async () => {
    const who = `Kiran${seq++}`;
    const owner = await signupTenant(tp.gatewayUrl, 'Kiran Kirana', who, { stamp });
    const email = ownerEmail(who);
    const customer = await http.post('/v1/customers', { name: 'Ravi Rao', phone: phoneOf() }, owner.accessToken);
    expect(customer.status).toBe(201);
    const base = {
      authority: { name: 'Cyber Crime Police Station, Bengaluru', type: 'police' },
      scope: { tenantId: owner.tenantId, customerIds: [customer.body.id], categories: ['user.contact.phone'] },
      receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    };
    // Not the tenant's to see, nor to file.
    expect((await http.get('/v1/platform/legal-requests', owner.accessToken)).status).toBe(403);

    const open = await http.post(
      '/v1/platform/legal-requests',
      {
        ...base,
        instrument: { type: 'court_order', reference: `CC-${stamp}-1` },
        decision: 'disclosed',
        decidedAt: new Date().toISOString(),
        disclosed: { customerIds: [customer.body.id], categories: ['user.contact.phone'], note: 'phone on record' },
      },
      admin,
    );
    expect(open.status).toBe(201);
    expect(open.body).toMatchObject({ decision: 'disclosed', bar: null });
    // Handed to notifications at once; on a loaded machine that hand-over can time out, and the notice stays
    // due until the next round (every 5 s) sends it — it must end sent either way.
    await until(
      'the notice sent',
      async () => (await http.get(`/v1/platform/legal-requests/${open.body.id}`, admin)).body,
      (r: any) => r.notice?.status === 'sent',
    );
    const told = await until(
      'owner told of the request',
      () => simMessages(email),
      (ms) => ms.some((m) => textOf(m).includes(`CC-${stamp}-1`)),
    );
    expect(told.filter((m) => textOf(m).includes(`CC-${stamp}-1`))).toHaveLength(1);

    const until_ = new Date(Date.now() + 4000).toISOString();
    const barred = await http.post(
      '/v1/platform/legal-requests',
      {
        ...base,
        instrument: { type: 'warrant', reference: `W-${stamp}-2` },
        bar: { reason: 'the warrant forbids telling the account holder', until: until_ },
      },
      admin,
    );
    expect(barred.status).toBe(201);
    expect(barred.body).toMatchObject({ bar: { active: true, until: until_ }, notice: { status: 'barred' } });
    await sleep(1500);
    expect((await simMessages(email)).filter((m) => textOf(m).includes(`W-${stamp}-2`))).toHaveLength(0);
    const sent = await until(
      'notice after the bar',
      async () => (await http.get(`/v1/platform/legal-requests/${barred.body.id}`, admin)).body,
      (v: any) => v.notice.status === 'sent',
    );
    expect(Date.parse(sent.notice.sentAt)).toBeGreaterThanOrEqual(Date.parse(until_));
    expect(sent.bar.active).toBe(false);
    await until(
      'barred notice at the simulator',
      () => simMessages(email),
      (ms) => ms.some((m) => textOf(m).includes(`W-${stamp}-2`)),
    );
    await sleep(1000);
    expect((await simMessages(email)).filter((m) => textOf(m).includes(`W-${stamp}-2`))).toHaveLength(1);

    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await http.get(`/v1/platform/legal-requests/report?from=${from}&to=${to}&period=year`, admin);
    expect(report.status).toBe(200);
    expect(report.body.total).toBeGreaterThanOrEqual(2);
    expect(report.body.byAuthorityType.police).toBeGreaterThanOrEqual(2);
    expect(report.body.byDecision.disclosed).toBeGreaterThanOrEqual(1);
    const bad = await http.post(
      '/v1/platform/legal-requests',
      { ...base, instrument: { type: 'informal', reference: 'a phone call' }, decision: 'disclosed' },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ reason: 'REGISTER_DATES_INVALID', details: [{ path: 'decidedAt' }] });
  });

  it('breach: principals from the audit trail of a key’s reads; notices sent once, receipts recorded', async () => {
    const who = `Lata${seq++}`;
    const owner = await signupTenant(tp.gatewayUrl, 'Lata Laundry', who, { stamp });
    const email = ownerEmail(who);
    const phones = [phoneOf(), phoneOf(), phoneOf()];
    const customers: string[] = [];
    for (const [i, phone] of phones.entries()) {
      const c = await http.post('/v1/customers', { name: `Customer ${i}`, phone }, owner.accessToken);
      expect(c.status).toBe(201);
      customers.push(c.body.id);
    }
    const key = await http.post('/v1/api-keys', { name: 'integration', scopes: ['customers:read'] }, owner.accessToken);
    expect(key.status).toBe(201);
    const windowFrom = new Date(Date.now() - 1000).toISOString();
    // The leaked key reads two customers; the owner (not the key) reads the third.
    for (const id of customers.slice(0, 2)) {
      const read = await request<any>(tp.gatewayUrl, 'GET', `/v1/customers/${id}`, {
        headers: { 'x-api-key': key.body.key },
      });
      expect(read.status).toBe(200);
    }
    expect((await http.get(`/v1/customers/${customers[2]}`, owner.accessToken)).status).toBe(200);

    const incident = await http.post(
      '/v1/platform/incidents',
      {
        detectedAt: new Date().toISOString(),
        description: 'An API key published in a public repository was used to read customer records',
        categories: ['user.name', 'user.contact.phone'],
        tenantIds: [owner.tenantId],
        window: { from: windowFrom, to: new Date(Date.now() + 60_000).toISOString() },
        involved: { type: 'api_key', id: key.body.id },
      },
      admin,
    );
    expect(incident.status).toBe(201);
    const id = incident.body.id;
    expect(incident.body.stages.map((s: any) => s.stage)).toEqual(['board_intimation', 'board_report', 'cert_in']);
    const affected = await until(
      'affected principals indexed',
      async () => (await http.get(`/v1/platform/incidents/${id}/affected`, admin)).body,
      (v: any) => v.total >= 2,
    );
    expect(affected.items.map((p: any) => p.customerId).sort()).toEqual(customers.slice(0, 2).sort());
    expect(affected.items[0]).toMatchObject({ tenantId: owner.tenantId, accesses: 1 });

    const content = {
      what: `Customer records were read with a leaked API key (${stamp})`,
      when: 'Today, within the last hour',
      impact: 'Your name and phone number may be known to someone else',
      mitigation: 'The key was revoked',
      actions: 'Ignore calls asking for codes or payments',
      contact: 'grievance@lekha.example',
    };
    const first = await http.post(`/v1/platform/incidents/${id}/notify`, content, admin);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ principals: 2, tenants: 1, sent: 3 });
    const again = await http.post(`/v1/platform/incidents/${id}/notify`, content, admin);
    expect(again.body).toMatchObject({ sent: 0 });

    // Each affected customer gets one SMS (they have no email), the owner one email; the third customer none.
    for (const phone of phones.slice(0, 2)) {
      const got = await until(
        `notice to ${phone}`,
        () => simMessages(phone),
        (ms) => ms.length > 0,
      );
      expect(got).toHaveLength(1);
      expect(textOf(got[0])).toContain(stamp);
    }
    await until(
      'owner notice',
      () => simMessages(email),
      (ms) => ms.some((m) => textOf(m).includes(stamp) && textOf(m).includes('affected')),
    );
    expect(await simMessages(phones[2]!)).toHaveLength(0);
    // Receipts: the simulator's delivery reports reach notifications; compliance shows them on each notice.
    const notices = await until(
      'delivery receipts',
      async () => (await http.get(`/v1/platform/incidents/${id}/notices`, admin)).body.items,
      (items: any[]) =>
        items.filter((n) => n.recipient.type === 'customer').every((n) => n.delivery?.status === 'delivered'),
    );
    expect(notices).toHaveLength(3);
    expect(notices.every((n: any) => n.status === 'sent' && n.messageId === n.id)).toBe(true);
    const view = await http.get(`/v1/platform/incidents/${id}`, admin);
    expect(view.body.notified).toEqual({ principals: 2, tenants: 1 });
    await sleep(1000);
    for (const phone of phones.slice(0, 2)) expect(await simMessages(phone)).toHaveLength(1);

    const missing = await http.get(`/v1/platform/incidents/${crypto.randomUUID()}`, admin);
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('REGISTER_INCIDENT_NOT_FOUND');
  });
});
