import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { DOMAIN_EVENTS_TOPIC, gstinCheckChar, platformEventSchema, type PlatformEvent } from '@lekha/contracts';
import { BusSeal } from '@lekha/runtime';
import { api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

const gstinIn = (stateCode: string, pan = 'AABCT1234C') => {
  const first14 = `${stateCode}${pan}1Z`;
  return first14 + gstinCheckChar(first14);
};
const UTR = '612345678901';

/**
 * A business invoicing its own customers through the gateway, billing behind the bus: a GST invoice with
 * exact figures in the tenant's own series, posted to its ledger; a UPI payment with its UTR; a reader
 * without `customers:read:contact` sees the customer's contact masked; the customer's erasure in
 * tenant-data pseudonymises billing's records (the chain still verifies) and billing confirms it on
 * `platform.events.v1`. And a platform admin's credit note on a platform invoice.
 */
describe('billing: tenant invoices to customers through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = `${Date.now().toString(36)}t`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  /** Every record on a topic up to its current end, read by a fresh consumer group. */
  async function topicValues(topic: string, group: string): Promise<Buffer[]> {
    const kafka = new Kafka({ clientId: `lekha-test-${stamp}`, brokers: tp.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const want = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
    const values: Buffer[] = [];
    const consumer = kafka.consumer({ groupId: `lekha-test-${stamp}-${group}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<number, number>();
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => [...want].every(([p, high]) => (seen.get(p) ?? 0) >= high);
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

  it('P60, P63: invoice (GST, own series, posted), UPI payment, masked contact, pseudonymised on erasure', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'MultiPMS Residency', 'Meena', { stamp, stateCode: '27' });
    const token = owner.accessToken;
    const customer = await http.post('/v1/customers', { name: 'Asha Kulkarni', phone: '+919812345678' }, token);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;

    const settings = await http.put(
      '/v1/ledgers/invoice-settings',
      {
        legalName: 'MultiPMS Residency LLP',
        gstin: gstinIn('27', 'AAFFM1234Q'),
        address: { line1: '4 Carter Road', city: 'Mumbai', pin: '400050', stateCode: '27' },
        prefix: 'MP',
        sac: '997212',
      },
      token,
    );
    expect(settings.status).toBe(200);
    const body = (stateCode: string, gstin?: string) => ({
      customerId,
      customer: {
        name: 'Asha Kulkarni',
        phone: '919812345678',
        ...(gstin ? { gstin } : {}),
        address: { line1: 'Room 4, 12 Hill Road', city: 'Mumbai', pin: '400050', stateCode },
      },
      lines: [{ description: 'Water cans, 20 L, December', quantity: 30, unitPricePaise: 4_500 }],
    });
    const intra = await http.post('/v1/ledgers/invoices', body('27'), token);
    expect(intra.status).toBe(201);
    expect(intra.body).toMatchObject({
      documentType: 'tax_invoice',
      serial: expect.stringMatching(/^MP\/\d{2}-\d{2}\/00001$/),
      totals: { taxablePaise: 135_000, cgstPaise: 12_150, sgstPaise: 12_150, igstPaise: 0, totalPaise: 159_300 },
      duePaise: 159_300,
    });
    const inter = await http.post('/v1/ledgers/invoices', body('29', gstinIn('29')), token);
    expect(inter.body).toMatchObject({
      serial: expect.stringMatching(/^MP\/\d{2}-\d{2}\/00002$/),
      totals: { igstPaise: 24_300, cgstPaise: 0, totalPaise: 159_300 },
    });

    const noUtr = await http.post(
      `/v1/ledgers/invoices/${intra.body.id}/payments`,
      { amountPaise: 100_000, method: 'upi' },
      token,
    );
    expect(noUtr.status).toBe(400);
    const paid = await http.post(
      `/v1/ledgers/invoices/${intra.body.id}/payments`,
      { amountPaise: 100_000, method: 'upi', utr: UTR },
      token,
    );
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ paidPaise: 100_000, duePaise: 59_300, payments: [{ method: 'upi', utr: UTR }] });
    const over = await http.post(
      `/v1/ledgers/invoices/${intra.body.id}/payments`,
      { amountPaise: 59_301, method: 'cash' },
      token,
    );
    expect(over.status).toBe(422);
    expect(over.body.error.reason).toBe('LEDGER_PAYMENT_EXCEEDS_DUE');
    const balances = await http.get(`/v1/ledgers/balances?customerId=${customerId}`, token);
    expect(balances.body.customers).toEqual([expect.objectContaining({ customerId, balancePaise: 59_300 + 159_300 })]);

    // A reader with the accountant's ledger permissions but not customers:read:contact: amounts, contact masked.
    const key = await http.post('/v1/api-keys', { name: 'books', scopes: ['ledgers:read', 'customers:read'] }, token);
    expect(key.status).toBe(201);
    const masked = await http.get(`/v1/ledgers/invoices/${intra.body.id}`, undefined, {
      headers: { 'x-api-key': key.body.key },
    });
    expect(masked.status).toBe(200);
    expect(masked.body).toMatchObject({
      totals: { totalPaise: 159_300 },
      recipient: { legalName: 'Asha Kulkarni', phone: '9*******5678', address: { line1: '***' } },
    });
    const pdf = await http.get(`/v1/ledgers/invoices/${intra.body.id}/pdf`, token);
    expect(Buffer.from(pdf.body.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    // Another tenant: 404.
    const other = await signupTenant(tp.gatewayUrl, 'Other Residency', 'Ravi', { stamp: `${stamp}o` });
    expect((await http.get(`/v1/ledgers/invoices/${intra.body.id}`, other.accessToken)).status).toBe(404);

    // The customer's erasure in tenant-data reaches billing: pseudonymised, amounts kept, chain intact.
    expect((await http.delete(`/v1/customers/${customerId}`, token)).status).toBe(204);
    let after: Record<string, unknown> & { pseudonymised?: unknown; customerId?: string } = {};
    for (const end = Date.now() + 60_000; Date.now() < end; await sleep(500)) {
      after = (await http.get(`/v1/ledgers/invoices/${intra.body.id}`, token)).body;
      if (after.pseudonymised) break;
    }
    expect(after).toMatchObject({
      recipient: { legalName: 'Erased customer' },
      totals: { totalPaise: 159_300 },
      paidPaise: 100_000,
      pseudonymised: { reason: expect.stringMatching(/72 months/) },
    });
    expect(after.customerId).not.toBe(customerId);
    expect(JSON.stringify(after)).not.toContain('Asha');
    const verify = await http.get('/v1/ledgers/verify', token);
    expect(verify.body).toMatchObject({ ok: true, entries: 3, firstBroken: null });
    const accounts = await http.get(`/v1/ledgers/accounts?customerId=${customerId}`, token);
    expect(accounts.body.items).toEqual([]);

    const seal = new BusSeal(tp.busKey);
    let confirmed: PlatformEvent | undefined;
    for (let n = 0; !confirmed && n < 60; n++) {
      const values = await topicValues(DOMAIN_EVENTS_TOPIC, String(n)).catch(() => [] as Buffer[]);
      confirmed = values
        .map((v) => platformEventSchema.parse(seal.openRecord(DOMAIN_EVENTS_TOPIC, v)))
        .find((e) => e.type === 'customer.erasure.confirmed' && e.customerId === customerId && e.service === 'billing');
      if (!confirmed) await sleep(1000);
    }
    expect(confirmed).toMatchObject({ service: 'billing', deleted: 3, tenantId: owner.tenantId });
  }, 180_000);

  it('P60: a platform admin’s credit note reverses an invoice once, listed with its own type', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Jal Mitra Nashik', 'Asha', {
      stamp: `${stamp}c`,
      stateCode: '27',
    });
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    const admin = login.body.accessToken as string;
    const issued = await http.post(
      '/v1/platform/billing/invoices',
      {
        tenantId: owner.tenantId,
        recipient: {
          legalName: 'Jal Mitra Nashik',
          gstin: gstinIn('27'),
          address: { line1: '1 College Road', city: 'Nashik', pin: '422005', stateCode: '27' },
        },
        lines: [{ description: 'Growth plan, December 2026', quantity: 1, unitPricePaise: 49_900 }],
      },
      admin,
    );
    expect(issued.status).toBe(201);
    const path = `/v1/platform/billing/invoices/${issued.body.id}/credit-notes`;
    expect((await http.post(path, { reason: 'refund' }, owner.accessToken)).status).toBe(403);
    const over = await http.post(path, { reason: 'refund', amountPaise: 58_883 }, admin);
    expect(over.status).toBe(422);
    expect(over.body.error.reason).toBe('BILLING_CREDIT_EXCEEDS_INVOICE');
    const note = await http.post(path, { reason: 'refund' }, admin);
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({
      type: 'credit_note',
      original: { id: issued.body.id, serial: issued.body.serial },
      totals: { cgstPaise: 4_491, sgstPaise: 4_491, totalPaise: 58_882 },
    });
    const again = await http.post(path, { reason: 'refund' }, admin);
    expect(again.status).toBe(409);
    const list = await http.get('/v1/billing/invoices', owner.accessToken);
    expect(list.body.items.map((i: { type: string }) => i.type)).toEqual(['credit_note', 'invoice']);
  });
});
