import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { SimulatorProcess } from '@lekha/launcher';
import {
  DOMAIN_EVENTS_TOPIC,
  IDENTITY_EVENTS_TOPIC,
  TENANT_DATA_EVENTS_TOPIC,
  platformEventSchema,
} from '@lekha/contracts';
import { BusSeal } from '@lekha/runtime';
import {
  api,
  request,
  signupTenant,
  startSendingSimulator,
  startTestPlatform,
  type TestPlatform,
} from '@lekha/testing';
import { awaitMessage } from './identity-test-helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- message views and simulator records are asserted by field */

/**
 * Messages addressed by customer ID, reminders relative to business records and a customer's erasure,
 * end to end: the gateway, tenant-data (its outbox publishing sealed record events on
 * `tenant-data.events.v1`), identity (its outbox publishing sealed staff contacts on `identity.events.v1`),
 * notifications (following both, asking tenant-data for a customer's contact over the bus) and the provider
 * simulator over real HTTP. A platform of its own: the shared one has no
 * simulator.
 */
describe('notifications: recipients by customer ID, record reminders, customer erasure', () => {
  let tp: TestPlatform;
  let sim: SimulatorProcess;
  let simUrl: string;
  let http: ReturnType<typeof api>;
  let token: string;
  const stamp = Date.now().toString(36);
  const phone = `+9196${String(Date.now()).slice(-8)}`;
  let customerId: string;
  let seq = 0;

  const send = (to: Record<string, unknown>) =>
    http.post<any>('/v1/notifications/messages', { template: 'appt', variables: ['Asha', '10:30'], to }, token, {
      headers: { 'idempotency-key': `k-${stamp}-${seq++}` },
    });
  const messagesOf = async (query: string): Promise<any[]> =>
    (await http.get<any>(`/v1/notifications/messages?${query}&limit=50`, token)).body.items;
  /** Polls until `done` holds for the list (or fails with the last one). */
  async function until(query: string, done: (items: any[]) => boolean, ms = 20_000): Promise<any[]> {
    const end = Date.now() + ms;
    for (;;) {
      const items = await messagesOf(query);
      if (done(items)) return items;
      if (Date.now() > end) throw new Error(`messages did not get there: ${JSON.stringify(items)}`);
      await sleep(150);
    }
  }
  const atSimulator = async (to: string): Promise<any[]> =>
    (await request<any>(simUrl, 'GET', `/_sim/messages?to=${encodeURIComponent(to)}&limit=50`)).body.messages.filter(
      (m: any) => m.direction === 'outbound',
    );
  /** Every value on a topic so far, as raw bytes. */
  async function topicValues(topic: string): Promise<Buffer[]> {
    const kafka = new Kafka({ clientId: `lekha-test-${stamp}`, brokers: tp.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    // A partition whose records are all gone (low = high: deleted or expired on the shared broker): none to wait for.
    const want = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
    const values: Buffer[] = [];
    const consumer = kafka.consumer({ groupId: `lekha-test-${stamp}-${seq++}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<number, number>();
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => [...want].every(([p, high]) => high === 0 || (seen.get(p) ?? 0) >= high);
        if (check()) return resolve();
        const timer = setTimeout(() => reject(new Error(`${topic} was not read to its end in 30 s`)), 30_000);
        timer.unref();
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            if (message.value) values.push(message.value);
            seen.set(partition, Number(message.offset) + 1);
            if (check()) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return values;
  }
  const ist = (iso: string) => {
    const d = new Date(Date.parse(iso) + 330 * 60_000);
    const two = (n: number) => String(n).padStart(2, '0');
    const date = `${two(d.getUTCDate())}-${two(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
    return `${date} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  };

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ sim, url: simUrl, platformEnv: env } = await startSendingSimulator());
    tp = await startTestPlatform({ env });
    http = api(tp.gatewayUrl);
    token = (await signupTenant(tp.gatewayUrl, 'Smile Dental', 'Nisha', { stamp })).accessToken;
    expect(
      (await http.put('/v1/notifications/settings', { peId: '1101234567890123456', headers: ['SMILED'] }, token))
        .status,
    ).toBe(200);
    const template = {
      key: 'appt',
      channel: 'sms',
      category: 'service_implicit',
      header: 'SMILED',
      dltTemplateId: '1107161234567890123',
      providerTemplateId: '6650a1b2c3d4e5f601234567',
      text: 'Dear {#var#}, your appointment is at {#var#}. -Smile',
    };
    expect((await http.post('/v1/notifications/templates', template, token)).status).toBe(201);
    const customer = await http.post<any>('/v1/customers', { name: 'Asha', phone }, token);
    expect(customer.status).toBe(201);
    customerId = customer.body.id;
    expect((await http.post('/v1/records/types', { key: 'visit', template: 'appointment' }, token)).status).toBe(201);
  }, 360_000);

  afterAll(async () => {
    await tp?.stop();
    await sim?.stop();
  });

  it('P50: a message to { customerId } alone goes to the customer’s phone (tenant-data); unknown → 404', async () => {
    const accepted = await send({ customerId });
    expect(accepted.status).toBe(202);
    const [sent] = await until(`customerId=${customerId}`, (items) => items.some((m) => m.status === 'sent'));
    expect(sent).toMatchObject({ id: accepted.body.id, customerId, recipient: `+91******${phone.slice(-4)}` });
    expect((await atSimulator(phone)).map((m) => m.response.providerMessageId)).toContain(sent.providerMessageId);

    // A given phone wins over the lookup.
    const other = `+9195${String(Date.now()).slice(-8)}`;
    const given = await send({ customerId, phone: other });
    expect(given.status).toBe(202);
    const view = (await http.get<any>(`/v1/notifications/messages/${given.body.id}`, token)).body;
    expect(view.recipient).toBe(`+91******${other.slice(-4)}`);

    const unknown = '01900000-0000-7000-8000-00000000dead';
    const missing = await send({ customerId: unknown });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'NOTIFICATION_CUSTOMER_NOT_FOUND' });
    expect(await messagesOf(`customerId=${unknown}`)).toEqual([]);
    const nobody = await send({});
    expect(nobody.status).toBe(400);
  }, 60_000);

  it('P50: appointment reminders at startsAt −24 h and −2 h; moved → rescheduled; deleted → cancelled', async () => {
    const rules = {
      rules: [
        {
          key: 'appt-reminder',
          recordType: 'visit',
          field: 'startsAt',
          offsets: ['-24h', '-2h'],
          template: 'appt',
          recipient: 'customer',
          variables: ['customer.name', 'startsAt'],
        },
      ],
    };
    const put = await http.put<any>('/v1/notifications/reminders', rules, token);
    expect(put.status).toBe(200);
    expect(put.body.rules).toHaveLength(1);
    expect((await http.get<any>('/v1/notifications/reminders', token)).body.rules[0].key).toBe('appt-reminder');
    const bad = await http.put<any>(
      '/v1/notifications/reminders',
      { rules: [{ ...rules.rules[0], template: 'x' }] },
      token,
    );
    expect([bad.status, bad.body.error?.reason]).toEqual([422, 'NOTIFICATION_TEMPLATE_NOT_FOUND']);

    const minute = 60_000;
    const startsAt = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / minute) * minute).toISOString();
    const created = await http.post<any>(
      '/v1/records',
      { type: 'visit', customerId, data: { service: 'Cleaning', startsAt } },
      token,
    );
    expect(created.status).toBe(201);
    const recordId = created.body.id;
    const first = await until(`recordId=${recordId}`, (items) => items.length === 2);
    expect(first.map((m) => [m.status, m.nextAttemptAt, m.reminderRule, m.customerId]).sort()).toEqual(
      [
        ['deferred', new Date(Date.parse(startsAt) - 24 * 3_600_000).toISOString(), 'appt-reminder', customerId],
        ['deferred', new Date(Date.parse(startsAt) - 2 * 3_600_000).toISOString(), 'appt-reminder', customerId],
      ].sort(),
    );

    const moved = new Date(Date.parse(startsAt) + 86_400_000).toISOString();
    expect((await http.patch(`/v1/records/${recordId}`, { data: { startsAt: moved } }, token)).status).toBe(200);
    const after = await until(`recordId=${recordId}`, (items) => items.length === 4);
    const byStatus = (items: any[], status: string) =>
      items
        .filter((m) => m.status === status)
        .map((m) => m.nextAttemptAt ?? m.id)
        .sort();
    expect(byStatus(after, 'cancelled').sort()).toEqual(first.map((m) => m.id).sort());
    expect(byStatus(after, 'deferred')).toEqual(
      [
        new Date(Date.parse(moved) - 24 * 3_600_000).toISOString(),
        new Date(Date.parse(moved) - 2 * 3_600_000).toISOString(),
      ].sort(),
    );
    // An edit that leaves the time alone leaves the schedule alone; the record's deletion cancels it.
    expect((await http.patch(`/v1/records/${recordId}`, { data: { status: 'done' } }, token)).status).toBe(200);
    expect((await http.patch(`/v1/records/${recordId}`, { data: { status: 'booked' } }, token)).status).toBe(200);
    expect((await http.delete(`/v1/records/${recordId}`, token)).status).toBe(204);
    const gone = await until(`recordId=${recordId}`, (items) => items.every((m) => m.status === 'cancelled'));
    expect(gone.map((m) => m.id).sort()).toEqual(after.map((m: any) => m.id).sort());
    expect(await messagesOf(`status=cancelled&customerId=${customerId}`)).toHaveLength(4);
  }, 90_000);

  it('P50: a reminder that falls due is sent through the provider with the record’s time; past skipped', async () => {
    // Starts in 2 h and 4 s: −24 h is already past (skipped), −2 h is due in about 4 s.
    const startsAt = new Date(Date.now() + 2 * 3_600_000 + 4_000).toISOString();
    const created = await http.post<any>(
      '/v1/records',
      { type: 'visit', customerId, data: { service: 'X', startsAt } },
      token,
    );
    expect(created.status).toBe(201);
    const [due] = await until(`recordId=${created.body.id}`, (items) => items.some((m) => m.status === 'sent'));
    expect(await messagesOf(`recordId=${created.body.id}`)).toHaveLength(1);
    const at = (await atSimulator(phone)).find((m) => m.response.providerMessageId === due.providerMessageId);
    expect(JSON.stringify(at.request)).toContain(ist(startsAt));
  }, 60_000);

  it('P50: maintenance assigned → caretaker alert at the caretaker’s phone; reassigned → the new one', async () => {
    /** A caretaker invited by phone, invitation accepted: their user ID. */
    const caretaker = async (phoneNo: string, name: string): Promise<string> => {
      const invited = await http.post('/v1/users/invitations', { phone: phoneNo, role: 'caretaker' }, token);
      expect(invited.status).toBe(201);
      const invite = /token is (\S+)/.exec(await awaitMessage(tp.gatewayUrl, phoneNo, (_b, p) => p === 'invitation'));
      const accepted = await http.post<any>('/v1/auth/invitations/accept', {
        token: invite![1],
        name,
        password: 'a long test passphrase',
        ageConfirmed: true,
      });
      expect(accepted.status).toBe(201);
      return (await http.get<any>('/v1/me', accepted.body.accessToken)).body.userId;
    };
    const phone1 = `+9197${String(Date.now()).slice(-8)}`;
    const phone2 = `+9193${String(Date.now() + 7).slice(-8)}`;
    const ramesh = await caretaker(phone1, 'Ramesh');
    const suresh = await caretaker(phone2, 'Suresh');

    // Meanwhile: a customer's new phone re-addresses their pending reminders (tenant-data's customer.changed).
    const ravi = `+9194${String(Date.now()).slice(-8)}`;
    const raviNew = `+9192${String(Date.now() + 3).slice(-8)}`;
    const customer = (await http.post<any>('/v1/customers', { name: 'Ravi', phone: ravi }, token)).body.id;
    const startsAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const visit = await http.post<any>(
      '/v1/records',
      { type: 'visit', customerId: customer, data: { service: 'Checkup', startsAt } },
      token,
    );
    expect(visit.status).toBe(201);
    const queued = await until(`recordId=${visit.body.id}`, (items) => items.length === 2);
    expect(queued.map((m) => m.recipient)).toEqual([`+91******${ravi.slice(-4)}`, `+91******${ravi.slice(-4)}`]);
    expect((await http.patch(`/v1/customers/${customer}`, { phone: raviNew }, token)).status).toBe(200);
    const readdressed = await until(`recordId=${visit.body.id}`, (items) =>
      items.every((m) => m.recipient === `+91******${raviNew.slice(-4)}`),
    );
    expect(readdressed.map((m) => m.status)).toEqual(['deferred', 'deferred']);
    expect(readdressed.map((m) => m.id).sort()).toEqual(queued.map((m) => m.id).sort());

    // The caretaker alert: a template of its own and a rule addressed to the record's assignee.
    const template = {
      key: 'caretaker',
      channel: 'sms',
      category: 'service_implicit',
      header: 'SMILED',
      dltTemplateId: '1107161234567890124',
      providerTemplateId: '6650a1b2c3d4e5f601234568',
      text: 'New job: {#var#} at {#var#}. -Smile',
    };
    expect((await http.post('/v1/notifications/templates', template, token)).status).toBe(201);
    const { rules } = (await http.get<any>('/v1/notifications/reminders', token)).body;
    const alert = {
      key: 'caretaker-alert',
      recordType: 'repair',
      on: 'assigned',
      template: 'caretaker',
      recipient: 'assignee',
      channels: ['sms'],
      variables: ['issue', 'property'],
    };
    const put = await http.put<any>('/v1/notifications/reminders', { rules: [...rules, alert] }, token);
    expect(put.status).toBe(200);
    expect(put.body.rules.map((r: any) => [r.key, r.recipient])).toContainEqual(['caretaker-alert', 'assignee']);
    expect((await http.post('/v1/records/types', { key: 'repair', template: 'maintenance_log' }, token)).status).toBe(
      201,
    );

    const repair = await http.post<any>(
      '/v1/records',
      {
        type: 'repair',
        customerId: customer,
        data: { property: 'Block A', issue: 'Tap leaks', status: 'open', caretaker: ramesh },
      },
      token,
    );
    expect(repair.status).toBe(201);
    expect(repair.body.assigneeUserId).toBe(ramesh);
    const [first] = await until(`recordId=${repair.body.id}`, (items) => items.some((m) => m.status === 'sent'));
    expect(first).toMatchObject({ reminderRule: 'caretaker-alert', recipient: `+91******${phone1.slice(-4)}` });
    const atRamesh = (await atSimulator(phone1)).find((m) => m.response.providerMessageId === first.providerMessageId);
    expect(JSON.stringify(atRamesh.request)).toContain('Tap leaks');

    expect((await http.patch(`/v1/records/${repair.body.id}`, { assigneeUserId: suresh }, token)).status).toBe(200);
    const both = await until(
      `recordId=${repair.body.id}`,
      (items) => items.length === 2 && items.every((m) => m.status === 'sent'),
    );
    const second = both.find((m) => m.id !== first.id);
    expect(second.recipient).toBe(`+91******${phone2.slice(-4)}`);
    expect((await atSimulator(phone2)).map((m) => m.response.providerMessageId)).toContain(second.providerMessageId);
    // The customer got nothing of the repair's alerts.
    expect((await atSimulator(raviNew)).length + (await atSimulator(ravi)).length).toBe(0);

    // Read raw: staff contacts and the customer's new phone never travel in plaintext.
    for (const value of await topicValues(IDENTITY_EVENTS_TOPIC)) {
      expect(value.toString()).not.toContain(phone1.slice(-8));
      expect(value.toString()).not.toContain(phone2.slice(-8));
      expect(value.toString()).not.toContain(ramesh);
    }
    for (const value of await topicValues(TENANT_DATA_EVENTS_TOPIC))
      expect(value.toString()).not.toContain(raviNew.slice(-8));
  }, 120_000);

  it('P61: sends through the simulator are metered by billing from billing.usage.v1; the 4th is 402', async () => {
    // A tenant of its own on the tiny plan (3 messages a month): its sends are counted by billing from
    // notifications' own usage events (nothing here publishes one), and the fourth is refused.
    const owner = await signupTenant(tp.gatewayUrl, 'Tiny Tonics', 'Tanvi', { stamp });
    const tiny = owner.accessToken;
    const to = `+9194${String(Date.now()).slice(-8)}`;
    const settings = await http.put(
      '/v1/notifications/settings',
      { peId: '1101234567890123456', headers: ['TINYTN'] },
      tiny,
    );
    expect(settings.status).toBe(200);
    const template = {
      key: 'appt',
      channel: 'sms',
      category: 'service_implicit',
      header: 'TINYTN',
      dltTemplateId: '1107161234567890123',
      providerTemplateId: '6650a1b2c3d4e5f601234567',
      text: 'Dear {#var#}, your appointment is at {#var#}. -Tiny',
    };
    expect((await http.post('/v1/notifications/templates', template, tiny)).status).toBe(201);
    const billingDetails = {
      legalName: 'Tiny Tonics',
      gstin: null,
      address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
    };
    const plan = await http.post<any>(
      '/v1/billing/subscription',
      { planKey: 'tiny', interval: 'monthly', billingDetails },
      tiny,
    );
    expect(plan.status).toBe(200);
    expect(plan.body.entitlements.limits).toMatchObject({ messagesPerMonth: 3 });
    const sendTiny = () =>
      http.post<any>(
        '/v1/notifications/messages',
        { template: 'appt', variables: ['Asha', '10:30'], to: { phone: to } },
        tiny,
        {
          headers: { 'idempotency-key': `tiny-${stamp}-${seq++}` },
        },
      );
    const listTiny = async (): Promise<any[]> =>
      (await http.get<any>('/v1/notifications/messages?limit=50', tiny)).body.items;
    const usedByBilling = async () =>
      (await http.get<any>('/v1/billing/usage', tiny)).body.items.find((i: any) => i.limit === 'messagesPerMonth');

    const accepted = [];
    for (let i = 0; i < 3; i++) {
      const res = await sendTiny();
      expect(res.status).toBe(202);
      accepted.push(res.body.id);
    }
    // Sent through the provider simulator, each once.
    for (const end = Date.now() + 20_000; ; await sleep(150)) {
      const items = await listTiny();
      if (items.filter((m) => m.status === 'sent').length === 3) break;
      if (Date.now() > end) throw new Error(`not sent: ${JSON.stringify(items)}`);
    }
    expect(await atSimulator(to)).toHaveLength(3);
    // Billing's meter shows them once notifications' usage events are read.
    let usage: any;
    for (const end = Date.now() + 20_000; ; await sleep(200)) {
      usage = await usedByBilling();
      if (usage?.used === 3) break;
      if (Date.now() > end) throw new Error(`billing did not meter the sends: ${JSON.stringify(usage)}`);
    }
    expect(usage).toMatchObject({ used: 3, max: 3 });

    const over = await sendTiny();
    expect(over.status).toBe(402);
    expect(over.body.error).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'messagesPerMonth', current: 3, max: 3 },
    });
    // Nothing stored, nothing sent, nothing metered for the refusal.
    expect((await listTiny()).map((m) => m.id).sort()).toEqual([...accepted].sort());
    await sleep(1000);
    expect(await atSimulator(to)).toHaveLength(3);
    expect(await usedByBilling()).toMatchObject({ used: 3, max: 3 });
  }, 120_000);

  it('P23: deleting a customer deletes their messages and reminders in notifications, confirmed', async () => {
    const startsAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const created = await http.post<any>(
      '/v1/records',
      { type: 'visit', customerId, data: { service: 'Y', startsAt } },
      token,
    );
    expect(created.status).toBe(201);
    await until(`recordId=${created.body.id}`, (items) => items.length === 2);
    expect((await messagesOf(`customerId=${customerId}`)).length).toBeGreaterThan(4);

    expect((await http.delete(`/v1/customers/${customerId}`, token)).status).toBe(204);
    await until(`customerId=${customerId}`, (items) => items.length === 0);
    expect(await messagesOf(`recordId=${created.body.id}`)).toEqual([]);

    const seal = new BusSeal(tp.busKey);
    const end = Date.now() + 120_000;
    let confirmed: any;
    while (!confirmed && Date.now() < end) {
      // A read that cannot finish (a consumer group stuck joining on a busy broker) is tried again.
      const values = await topicValues(DOMAIN_EVENTS_TOPIC).catch(() => [] as Buffer[]);
      confirmed = values
        .map((v) => platformEventSchema.parse(seal.openRecord(DOMAIN_EVENTS_TOPIC, v)))
        .find(
          // Billing confirms its own part too: notifications' confirmation is the one asserted here.
          (e) =>
            e.type === 'customer.erasure.confirmed' && e.customerId === customerId && e.service === 'notifications',
        );
      if (!confirmed) await sleep(1000);
    }
    expect(confirmed).toMatchObject({ service: 'notifications', deleted: expect.any(Number) });
    expect(confirmed.deleted).toBeGreaterThan(4);

    // The record events carried the customer's name and phone: sealed, never readable on the topic.
    const raw = await topicValues(TENANT_DATA_EVENTS_TOPIC);
    expect(raw.length).toBeGreaterThan(0);
    for (const value of raw) {
      expect(value.toString()).not.toContain(phone.slice(-8));
      expect(value.toString()).not.toContain('Asha');
      expect(value.toString()).not.toContain(customerId);
    }
  }, 240_000);
});
