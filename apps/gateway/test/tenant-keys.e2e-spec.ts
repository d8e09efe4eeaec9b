import {
  api,
  readAuditTopic,
  request,
  samplePdf,
  sharedTestPlatform,
  type SharedTestPlatform,
  signupTenant,
} from '@lekha/testing';
import type { AuditEventV1, CustomerView, RecordView, RotateTenantKeyResult, TenantKeyStatus } from '@lekha/contracts';

/**
 * Tenant data-key rotation without downtime, through the gateway: reads and writes keep working
 * while a new key version activates, older ciphertext is re-encrypted in the background, the old
 * version is retired, and every value — and the blind-index search — survives.
 */
describe('tenant data: key rotation', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let asha: CustomerView;
  let visit: RecordView;
  let contract: { id: string; name: string | null };
  // A PDF over one 256 KiB chunk, so that several encrypted segments are re-encrypted.
  const pdf = samplePdf('Rental agreement', Buffer.alloc(300 * 1024, 'rental agreement for room 12B '));
  const ashaPhone = `+9198${String(Date.now()).slice(-8)}`;

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '29' });

  const status = async (token: string): Promise<TenantKeyStatus> => {
    const res = await http.get<TenantKeyStatus>('/v1/tenant/keys', token);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    // The shared platform's key cache and re-encryption intervals are a second (KEY_CACHE_TTL_MS,
    // KEY_REENCRYPT_INTERVAL_MS), so that a rotation activates and completes within the test.
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Stay Well PG', 'Kavya');
    b = await signup('Other PG', 'Imran');
    const created = await http.post<CustomerView>(
      '/v1/customers',
      {
        name: 'Asha Rao',
        phone: ashaPhone,
        email: `asha.${stamp}@example.in`,
        notes: 'prefers mornings',
        healthNotes: 'asthma',
        addresses: [{ line1: '4 Lake Road', city: 'Bengaluru' }],
        tags: ['resident'],
        extra: { room: '12B' },
      },
      a.accessToken,
    );
    expect(created.status).toBe(201);
    asha = created.body;
    expect(
      (await http.post('/v1/records/types', { key: 'visit', template: 'appointment' }, a.accessToken)).status,
    ).toBe(201);
    const rec = await http.post<RecordView>(
      '/v1/records',
      {
        type: 'visit',
        customerId: asha.id,
        data: { service: 'checkup', startsAt: '2026-11-22T10:00:00Z', sensitiveNotes: 'knee pain' },
      },
      a.accessToken,
    );
    expect(rec.status).toBe(201);
    visit = rec.body;
    const up = await fetch(`${tp.gatewayUrl}/v1/customers/${asha.id}/documents?kind=rental_contract`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${a.accessToken}`,
        'content-type': 'application/pdf',
        'x-document-name': encodeURIComponent('Room 12B agreement'),
      },
      body: pdf,
    });
    expect(up.status).toBe(201);
    contract = (await up.json()) as { id: string; name: string | null };
  }, 180_000);

  const download = async (id: string) => {
    const res = await fetch(`${tp.gatewayUrl}/v1/documents/${id}`, {
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  afterAll(async () => {
    await tp?.stop();
  });

  it('starts with one key version and refuses a caller without a valid token', async () => {
    expect(await status(a.accessToken)).toMatchObject({ current: 1, versions: [{ version: 1 }], staleValues: 0 });
    const anonymous = await http.post('/v1/tenant/keys/rotate', {}, 'not-a-token');
    expect(anonymous.status).toBe(401);
  });

  it('rotates without downtime: old data readable, new on the new key, old data moved, old key retired', async () => {
    const rotated = await http.post<RotateTenantKeyResult>('/v1/tenant/keys/rotate', {}, a.accessToken);
    expect(rotated.status).toBe(202);
    expect(rotated.body.version).toBe(2);
    const activeFrom = Date.parse(rotated.body.activeFrom);
    expect(activeFrom).toBeGreaterThan(Date.now());

    // Pending: both versions known, version 1 still encrypting, and everything readable.
    const pending = await status(a.accessToken);
    expect(pending.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(pending.current).toBe(1);
    expect((await http.get<CustomerView>(`/v1/customers/${asha.id}`, a.accessToken)).body).toEqual(asha);

    // Once version 2 is active and the background pass has run, version 1 is gone and nothing is stale.
    let settled = pending;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      settled = await status(a.accessToken);
      if (settled.current === 2 && settled.versions.length === 1 && settled.staleValues === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(settled).toMatchObject({ current: 2, versions: [{ version: 2 }], staleValues: 0 });

    // Every field of the customer and the record's personal field decrypt under the new key.
    expect((await http.get<CustomerView>(`/v1/customers/${asha.id}`, a.accessToken)).body).toEqual(asha);
    expect((await http.get<RecordView>(`/v1/records/${visit.id}`, a.accessToken)).body).toEqual(visit);
    // Documents: every encrypted segment and the encrypted display name moved too.
    expect((await download(contract.id)).equals(pdf)).toBe(true);
    const docs = await http.get<{ items: { id: string; name: string | null }[] }>(
      `/v1/customers/${asha.id}/documents`,
      a.accessToken,
    );
    expect(docs.body.items.find((d) => d.id === contract.id)?.name).toBe('Room 12B agreement');
    // The blind index is stable across rotations: exact search still finds her.
    const found = await http.get<{ items: CustomerView[] }>(
      `/v1/customers?phone=${encodeURIComponent(ashaPhone)}`,
      a.accessToken,
    );
    expect(found.body.items.map((c) => c.id)).toEqual([asha.id]);
    // New writes work and read back.
    const ravi = await http.post<CustomerView>(
      '/v1/customers',
      { name: 'Ravi K', phone: `+9197${String(Date.now()).slice(-8)}` },
      a.accessToken,
    );
    expect(ravi.status).toBe(201);
    expect((await http.get<CustomerView>(`/v1/customers/${ravi.body.id}`, a.accessToken)).body.name).toBe('Ravi K');
  }, 120_000);

  it('leaves other tenants alone and audits the rotation and the re-encryption', async () => {
    expect(await status(b.accessToken)).toMatchObject({ current: 1, versions: [{ version: 1 }] });
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.tenantId === a.tenantId && e.actor.type === 'scheduled_job' && e.subjectIds.includes(asha.id)),
    );
    const requested = events.find(
      (e) => e.tenantId === a.tenantId && e.resource.type === 'tenant_key' && e.reason === 'rotation_requested',
    );
    expect(requested).toMatchObject({ action: 'update', outcome: 'allowed', actor: { type: 'user', id: a.userId } });
    const moved = events.filter(
      (e) => e.tenantId === a.tenantId && e.actor.type === 'scheduled_job' && e.reason === 'key_rotation',
    );
    expect(moved.flatMap((e) => e.subjectIds)).toContain(asha.id);
    // No re-encryption ran for the other tenant (its sign-up trial is another job's, and not a key's).
    expect(events.some((e) => e.tenantId === b.tenantId && e.reason === 'key_rotation')).toBe(false);
  }, 60_000);

  it('security #3: an API key cannot rotate the tenant key whatever its scopes; the refusal is audited', async () => {
    const keyRequest = { name: 'ops', scopes: ['tenant:keys:manage'] };
    const created = await http.post<{ key: string; id: string }>('/v1/api-keys', keyRequest, a.accessToken);
    expect(created.status).toBe(201);
    const before = await status(a.accessToken);
    const requestId = `rotate-by-key-${stamp}`;
    const asKey: Record<string, string>[] = [
      { 'x-api-key': created.body.key, 'x-request-id': requestId },
      { authorization: `Bearer ${created.body.key}` },
    ];
    for (const headers of asKey) {
      const res = await request<{ error: { code: string } }>(tp.gatewayUrl, 'POST', '/v1/tenant/keys/rotate', {
        headers,
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    // The key may still read the key status; nothing was rotated.
    const headers = { 'x-api-key': created.body.key };
    const byKey = await request<TenantKeyStatus>(tp.gatewayUrl, 'GET', '/v1/tenant/keys', { headers });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual(before);
    // The key's exchange is audited by identity (key_use); the refused rotation, once, by the gateway.
    const rotations = (evs: AuditEventV1[]) =>
      evs.filter((e) => e.requestId === requestId && e.resource.type === 'tenant_key');
    const { events } = await readAuditTopic(tp.brokers, (evs) => rotations(evs).length > 0);
    expect(rotations(events)).toEqual([
      expect.objectContaining({
        action: 'update',
        outcome: 'denied',
        reason: 'person_required',
        tenantId: a.tenantId,
        resource: { type: 'tenant_key', id: null },
        actor: expect.objectContaining({ type: 'api_key', id: created.body.id }),
      }),
    ]);
  });
});
