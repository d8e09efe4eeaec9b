import {
  verifyDeletionCertificate,
  type CustomerView,
  type RetentionRunView,
  type RetentionScheduleItem,
  type RetentionView,
} from '@lekha/contracts';
import {
  api,
  devInboxHeaders,
  request,
  sharedTestPlatform,
  signupTenant,
  type SharedTestPlatform,
} from '@lekha/testing';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PASSWORD = 'long enough password 1';

/**
 * Per-category retention through the gateway, the schedule driven by its test clock (one tenant per
 * tick): MicroCRM's promise — account data kept up to 6 months after cancellation, customer data deleted
 * within 90 days. The customer-data purge at 90 days erases the customers (and messages, consents) in
 * every service while the tenant stays cancelled and read-only with its staff and settings; a hold blocks
 * it; the full purge at 180 days ends with the signed certificate.
 */
describe('tenant retention per category: customer data at M, the account at N', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let adminToken = '';
  const stamp = `${Date.now().toString(36)}c`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
  });

  async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const tick = async (asOf: Date, tenantId: string) => {
    const res = await http.post('/v1/platform/retention/tick', { asOf: asOf.toISOString(), tenantId }, adminToken);
    expect(res.status).toBe(200);
    return res.body as { notices: string[]; purges: string[]; blocked: string[]; customerPurges: string[] };
  };
  const runs = async (tenantId: string) =>
    (await http.get<{ items: RetentionRunView[] }>(`/v1/platform/retention/runs?tenantId=${tenantId}`, adminToken)).body
      .items;

  it('P31: customer data erased at 90 days, account kept to 180 days, then purged with a certificate', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Categorised CRM Co', 'Meera', { stamp });
    const made = await http.post<CustomerView>(
      '/v1/customers',
      { name: 'Anil Customer', phone: '+919812300031', notes: 'customer data' },
      owner.accessToken,
    );
    expect(made.status).toBe(201);
    const template = await http.post(
      '/v1/notifications/templates',
      {
        key: 'visit',
        channel: 'sms',
        category: 'service_implicit',
        header: 'CATCRM',
        dltTemplateId: '1107161234567890177',
        text: 'Dear {#var#}, your visit is at {#var#}. -Cat',
      },
      owner.accessToken,
    );
    expect(template.status).toBe(201);

    // The policy per category; customer data may not outlive the account.
    const tooLong = await http.put('/v1/tenant/retention', { days: 180, customerDataDays: 200 }, owner.accessToken);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(tooLong.body.error.details).toEqual([expect.objectContaining({ path: 'customerDataDays' })]);
    const zero = await http.put('/v1/tenant/retention', { customerDataDays: 0 }, owner.accessToken);
    expect(zero.status).toBe(400);
    expect(zero.body.error.details).toEqual([expect.objectContaining({ path: 'customerDataDays' })]);
    const set = await http.put<RetentionView>(
      '/v1/tenant/retention',
      { days: 180, customerDataDays: 90 },
      owner.accessToken,
    );
    expect(set.status).toBe(200);
    expect(set.body.policy).toMatchObject({ days: 180, customerDataDays: 90 });
    expect(set.body.policy.categories).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'account_data', days: 180 }),
        expect.objectContaining({ category: 'customer_data', days: 90 }),
        expect.objectContaining({ category: 'processing_logs', days: 365 }),
      ]),
    );
    // The old fields alone still work and keep the customer-data period.
    const daysOnly = await http.put<RetentionView>('/v1/tenant/retention', { days: 180 }, owner.accessToken);
    expect(daysOnly.body.policy).toMatchObject({ days: 180, customerDataDays: 90 });

    expect((await http.post('/v1/tenant/cancel', { password: PASSWORD }, owner.accessToken)).status).toBe(200);
    const view = await until('compliance to see the cancellation', async () => {
      const res = await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken);
      return res.body.state === 'cancelled' ? res.body : null;
    });
    const cancelledAt = new Date(view.cancelledAt!);
    const customerPurgeAt = new Date(view.schedule!.customerPurgeAt!);
    const purgeAt = new Date(view.schedule!.purgeAt);
    expect(customerPurgeAt.getTime() - cancelledAt.getTime()).toBe(90 * DAY);
    expect(purgeAt.getTime() - cancelledAt.getTime()).toBe(180 * DAY);
    // One notice, 48 h before the first erasure, naming both dates.
    expect(new Date(view.schedule!.noticeAt).getTime()).toBe(customerPurgeAt.getTime() - 48 * HOUR);
    expect(view.schedule!.customerPurgedAt).toBeNull();
    expect((await tick(new Date(customerPurgeAt.getTime() - 48 * HOUR), owner.tenantId)).notices).toEqual([
      owner.tenantId,
    ]);
    const notice = await until('the owner’s notice', async () => {
      const res = await request<{ items: { purpose: string; body: string }[] }>(
        tp.gatewayUrl,
        'GET',
        `/v1/dev/inbox?to=${encodeURIComponent(`meera.${stamp}@example.in`)}`,
        { headers: devInboxHeaders() },
      );
      return res.body.items.find((m) => m.purpose === 'retention_notice');
    });
    const minute = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
    expect(notice.body).toContain(`customer data (customers, records, documents, messages) will be deleted on`);
    expect(notice.body).toContain(minute(customerPurgeAt));
    expect(notice.body).toContain(minute(purgeAt));

    // Not a moment before M; a hold blocks it (audited, visible); lifted, it runs once.
    expect((await tick(new Date(customerPurgeAt.getTime() - HOUR), owner.tenantId)).customerPurges).toEqual([]);
    const hold = await http.post(
      '/v1/platform/legal-holds',
      { tenantId: owner.tenantId, customerId: made.body.id, reason: 'consumer forum case', reference: 'CF/2027/31' },
      adminToken,
    );
    expect(hold.status).toBe(201);
    expect(await tick(customerPurgeAt, owner.tenantId)).toMatchObject({
      blocked: [owner.tenantId],
      customerPurges: [],
    });
    expect(await runs(owner.tenantId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'customer_purge', result: 'blocked', holdId: hold.body.id }),
      ]),
    );
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(200);
    expect((await http.delete(`/v1/platform/legal-holds/${hold.body.id}`, adminToken)).status).toBe(200);
    expect((await tick(customerPurgeAt, owner.tenantId)).customerPurges).toEqual([owner.tenantId]);
    expect((await tick(customerPurgeAt, owner.tenantId)).customerPurges).toEqual([]);

    const after = await until('every service to confirm the customer-data erasure', async () => {
      const res = await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken);
      return res.body.schedule?.customerPurgedAt ? res.body : null;
    });
    expect(after.state).toBe('cancelled');
    const customerRuns = (await runs(owner.tenantId)).filter((r) => r.kind === 'customer_purge');
    expect(customerRuns.filter((r) => r.result === 'done')).toHaveLength(1);
    expect(customerRuns.filter((r) => r.result === 'started')).toHaveLength(0);

    // Customer data gone; the account (staff, settings) still there, signed in, read-only, not reactivatable.
    const listed = await http.get('/v1/customers', owner.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(404);
    const users = await http.get('/v1/users', owner.accessToken);
    expect(users.status).toBe(200);
    expect(users.body.items.length).toBeGreaterThanOrEqual(1);
    const templates = await http.get('/v1/notifications/templates', owner.accessToken);
    expect(templates.status).toBe(200);
    expect(templates.body.items).toHaveLength(1);
    const write = await http.post('/v1/customers', { name: 'Too Late', phone: '+919812300032' }, owner.accessToken);
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ code: 'TENANT_READ_ONLY' });
    const reactivate = await http.post('/v1/tenant/reactivate', {}, owner.accessToken);
    expect(reactivate.status).toBe(409);
    expect(reactivate.body.error).toMatchObject({ reason: 'RETENTION_PURGE_STARTED' });

    // The platform's schedule view: the tenant's next step is the full purge; the customer-data one is done.
    expect((await http.get('/v1/platform/retention/schedule', owner.accessToken)).status).toBe(403);
    const badCursor = await http.get('/v1/platform/retention/schedule?cursor=nope', adminToken);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details).toEqual([expect.objectContaining({ path: 'cursor' })]);
    let item: RetentionScheduleItem | undefined;
    for (let cursor: string | null = '', pages = 0; cursor !== null && !item && pages < 50; pages++) {
      const page: { status: number; body: { items: RetentionScheduleItem[]; nextCursor: string | null } } =
        await http.get(
          `/v1/platform/retention/schedule?state=cancelled&limit=20${cursor ? `&cursor=${cursor}` : ''}`,
          adminToken,
        );
      expect(page.status).toBe(200);
      item = page.body.items.find((i) => i.tenantId === owner.tenantId);
      cursor = page.body.nextCursor;
    }
    expect(item).toMatchObject({
      state: 'cancelled',
      next: { kind: 'purge', at: purgeAt.toISOString() },
      customerPurge: { at: customerPurgeAt.toISOString(), doneAt: expect.any(String) },
      purge: { at: purgeAt.toISOString(), startedAt: null, doneAt: null },
      heldBy: [],
      lastRun: { kind: 'customer_purge', result: 'done' },
    });

    // N: the full purge, once, with a certificate that verifies against compliance's key.
    expect((await tick(new Date(purgeAt.getTime() - HOUR), owner.tenantId)).purges).toEqual([]);
    expect((await tick(purgeAt, owner.tenantId)).purges).toEqual([owner.tenantId]);
    const done = await until(
      'the full purge to complete',
      async () => (await runs(owner.tenantId)).find((r) => r.kind === 'purge' && r.result === 'done'),
      90_000,
    );
    const cert = await http.get(`/v1/platform/retention/runs/${done.id}/certificate`, adminToken);
    expect(cert.status).toBe(200);
    const key = await http.get('/v1/platform/retention/certificate-key', adminToken);
    expect(verifyDeletionCertificate(cert.body, Buffer.from(key.body.publicKey, 'base64'))).toMatchObject({
      valid: true,
    });
    expect(cert.body.retained.map((r: { category: string }) => r.category).sort()).toEqual([
      'gst_records',
      'processing_logs',
    ]);
  }, 240_000);
});
