import { api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/**
 * Notifications through the gateway over real HTTP: a tenant sets its DLT settings and registers a
 * template, a send answers 202 queued (the Idempotency-Key header makes a retry answer the same),
 * and each DLT refusal answers 422 with its reason. Dispatch itself is proven at the use-case tier.
 */
describe('notifications through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let owner: { accessToken: string };
  const stamp = Date.now().toString(36);
  const phone = `+9198${String(Date.now()).slice(-8)}`;

  const send = (body: Record<string, unknown>, key: string | null = `k-${stamp}-${Math.random()}`) =>
    http.post<{ id: string; status: string; error?: { code: string; reason?: string } }>(
      '/v1/notifications/messages',
      { template: 'appt', variables: ['Asha', '10:30'], to: { phone }, ...body },
      owner.accessToken,
      key ? { headers: { 'idempotency-key': key } } : {},
    );

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    owner = await signupTenant(tp.gatewayUrl, 'Smile Dental', 'Nisha', { stamp });
  });

  it('P09, P50: credentials write-only; a registered template sends 202 queued, idempotently', async () => {
    const secret = `authkey-${stamp}`;
    const settings = await http.put(
      '/v1/notifications/settings',
      {
        peId: '1101234567890123456',
        headers: ['SMILED'],
        urlDomains: ['smile.in'],
        credentials: { msg91: { authKey: secret } },
      },
      owner.accessToken,
    );
    expect(settings.status).toBe(200);
    expect(settings.body.credentialsSet).toEqual(['msg91']);
    expect(JSON.stringify(settings.body)).not.toContain(secret);
    const template = await http.post(
      '/v1/notifications/templates',
      {
        key: 'appt',
        channel: 'sms',
        category: 'service_implicit',
        header: 'SMILED',
        dltTemplateId: '1107161234567890123',
        text: 'Dear {#var#}, your appointment is at {#var#}. -Smile',
      },
      owner.accessToken,
    );
    expect(template.status).toBe(201);
    expect((await http.get('/v1/notifications/templates', owner.accessToken)).body.items).toHaveLength(1);

    const key = `first-${stamp}`;
    const accepted = await send({}, key);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ id: expect.any(String), status: 'queued' });
    const again = await send({}, key);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(accepted.body);
    const reused = await send({ variables: ['Ravi', '11:00'] }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'UNPROCESSABLE', reason: 'NOTIFICATION_IDEMPOTENCY_KEY_REUSED' });

    const got = await http.get(`/v1/notifications/messages/${accepted.body.id}`, owner.accessToken);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: accepted.body.id, channel: 'sms', template: 'appt' });
    expect(got.body.recipient).toBe(`+91******${phone.slice(-4)}`);
    const list = await http.get('/v1/notifications/messages?limit=10', owner.accessToken);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(accepted.body.id);
  });

  it('P50: a batch send answers each item on its own: accepted, refused with its reason, replayed', async () => {
    const item = (i: number, body: Record<string, unknown> = {}) => ({
      idempotencyKey: `batch-${stamp}-${i}`,
      template: 'appt',
      variables: ['Asha', '10:30'],
      to: { phone: `+9197${String(Date.now() + i).slice(-8)}` },
      ...body,
    });
    type Item = { id?: string; status?: string; error?: { code: string; reason: string; message: string } };
    const batch = (items: Record<string, unknown>[]) =>
      http.post<{ items: Item[]; error?: { code: string } }>(
        '/v1/notifications/messages/batch',
        { items },
        owner.accessToken,
      );
    const items = [
      item(1),
      item(2, { template: 'unknown' }),
      item(3, { variables: ['Asha', 'https://x.example.com'] }),
    ];
    const first = await batch(items);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { id: expect.any(String), status: 'queued' },
      { error: { code: 'UNPROCESSABLE', reason: 'NOTIFICATION_TEMPLATE_NOT_FOUND', message: expect.any(String) } },
      { error: { code: 'UNPROCESSABLE', reason: 'NOTIFICATION_URL_NOT_WHITELISTED', message: expect.any(String) } },
    ]);
    // The same keys again: the accepted item answers its first result; the refused ones were released.
    const again = await batch([items[0]!, { ...items[1]!, template: 'appt' }]);
    expect(again.body.items).toEqual([first.body.items[0], { id: expect.any(String), status: 'queued' }]);
    const got = await http.get(`/v1/notifications/messages/${first.body.items[0]!.id}`, owner.accessToken);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ template: 'appt', channel: 'sms' });
    // Two items with one key, an empty batch, or more than 100 items: 400, nothing done.
    for (const bad of [[item(4), item(4)], [], Array.from({ length: 101 }, (_, i) => item(100 + i))]) {
      const res = await batch(bad);
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('refuses a send without an Idempotency-Key (400) and each DLT violation (422 with its reason)', async () => {
    const missing = await send({}, null);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const cases: [Record<string, unknown>, string][] = [
      [{ template: 'unknown' }, 'NOTIFICATION_TEMPLATE_NOT_FOUND'],
      [{ variables: ['A'.repeat(31), '10:30'] }, 'NOTIFICATION_VARIABLE_TOO_LONG'],
      [{ variables: ['Asha', 'https://phish.example.com/x'] }, 'NOTIFICATION_URL_NOT_WHITELISTED'],
    ];
    for (const [body, reason] of cases) {
      const res = await send(body);
      expect([res.status, res.body.error?.reason]).toEqual([422, reason]);
    }
    const optOut = await http.post('/v1/notifications/opt-outs', { recipient: { phone } }, owner.accessToken);
    expect(optOut.status).toBe(200);
    const optedOut = await send({});
    expect([optedOut.status, optedOut.body.error?.reason]).toEqual([422, 'NOTIFICATION_OPTED_OUT']);
  });
});
