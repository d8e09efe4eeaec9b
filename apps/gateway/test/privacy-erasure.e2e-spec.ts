import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, api, samplePdf, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are asserted field by field */

/**
 * Erasure by request through the gateway over real HTTP, a real broker and database: compliance asks
 * every service to erase the principal (tenant-data's customer deletion, notifications' message deletion,
 * billing's pseudonymisation, compliance's consent proof), runs an access request again, and only when it
 * comes back empty completes the request with a signed deletion certificate that the CLI verifies offline.
 */
describe('erasure requests through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let seq = 0;
  const phone = () => `+9198${String(Date.now() + seq++ * 7919).slice(-8)}`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  async function tenant(name: string) {
    const owner = await signupTenant(tp.gatewayUrl, 'Smile Dental', `${name}${seq++}`, { stamp });
    return { owner, token: owner.accessToken as string };
  }

  async function settled(token: string, id: string, status = 'completed', timeoutMs = 90_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await http.get(`/v1/privacy/requests/${id}`, token);
      expect(res.status).toBe(200);
      if (res.body.status === status) return res.body;
      if (Date.now() > end)
        throw new Error(`request ${id} still ${res.body.status}: ${JSON.stringify(res.body).slice(0, 800)}`);
      await sleep(200);
    }
  }

  /** Files an access request and answers its document once every service has answered. */
  async function access(token: string, customerId: string) {
    const filed = await http.post('/v1/privacy/requests', { kind: 'access', customerId }, token);
    expect(filed.status).toBe(202);
    await settled(token, filed.body.id);
    const result = await http.get(`/v1/privacy/requests/${filed.body.id}/result`, token);
    expect(result.status).toBe(200);
    return { id: filed.body.id as string, document: result.body };
  }

  const held = (document: any) =>
    Object.fromEntries(
      document.parts.flatMap((p: any) => p.holdings.map((h: any) => [`${p.service}: ${h.what}`, h.count])),
    );

  it('P23 P20: erasure → every service erases → the access check is empty → a verified certificate', async () => {
    const { token } = await tenant('Asha');
    const to = phone();
    const customer = await http.post(
      '/v1/customers',
      { name: 'Asha Verma', phone: to, notes: 'Prefers mornings' },
      token,
    );
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const type = await http.post(
      '/v1/records/types',
      {
        key: 'visit',
        name: 'Visit',
        schema: {
          type: 'object',
          required: ['treatment'],
          properties: { treatment: { type: 'string', 'x-category': 'user.health' } },
        },
      },
      token,
    );
    expect(type.status).toBe(201);
    const record = await http.post('/v1/records', { type: 'visit', customerId, data: { treatment: 'Scaling' } }, token);
    expect(record.status).toBe(201);
    const upload = await fetch(`${tp.gatewayUrl}/v1/customers/${customerId}/documents?kind=government_id`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/pdf',
        'x-document-name': encodeURIComponent('Aadhaar – Asha.pdf'),
      },
      body: samplePdf('ASHA-ID', randomBytes(512)),
    });
    expect(upload.status).toBe(201);
    const consent = await http.post(
      '/v1/privacy/consents',
      {
        principal: { customerId, phone: to },
        purpose: 'appointment_reminders',
        notice: { version: '2026-11', language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox on the booking form', reference: 'form #88 signed by Asha' },
      },
      token,
    );
    expect(consent.status).toBe(201);
    expect(
      (await http.put('/v1/notifications/settings', { peId: '1101234567890123456', headers: ['SMILED'] }, token))
        .status,
    ).toBe(200);
    const template = await http.post(
      '/v1/notifications/templates',
      {
        key: 'checkup',
        channel: 'sms',
        category: 'service_explicit',
        header: 'SMILED',
        dltTemplateId: '1107161234567890123',
        text: 'Your {#var#} check-up is due this month -Smile',
      },
      token,
    );
    expect(template.status).toBe(201);
    let sent: any;
    for (const end = Date.now() + 30_000; ; await sleep(200)) {
      sent = await http.post(
        '/v1/notifications/messages',
        { template: 'checkup', variables: ['dental'], to: { customerId }, channels: ['sms'] },
        token,
        { headers: { 'idempotency-key': `e-${stamp}-${seq++}` } },
      );
      if (sent.status === 202 || Date.now() > end) break;
    }
    expect(sent.status).toBe(202);
    const account = await http.post(
      '/v1/ledgers/accounts',
      { name: 'Asha dues', kind: 'receivable', customerId },
      token,
    );
    expect(account.status).toBe(201);

    // Before: the access document holds every kind of data.
    const before = await access(token, customerId);
    expect(held(before.document)).toMatchObject({
      'tenant-data: customer profile': 1,
      'tenant-data: business record': 1,
      'tenant-data: document': 1,
      'notifications: message': 1,
      'compliance: consent record': 1,
      'billing: ledger account': 1,
    });
    const notReady = await http.get(`/v1/privacy/requests/${before.id}/certificate`, token);
    expect([notReady.status, notReady.body.error?.reason]).toEqual([404, 'PRIVACY_CERTIFICATE_NOT_READY']);
    expect(notReady.body.error.message).toContain('only a completed erasure has a certificate');

    // The erasure: every service erases, then the access check runs; empty, the request completes.
    const filed = await http.post('/v1/privacy/requests', { kind: 'erasure', customerId }, token);
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({ kind: 'erasure', status: 'in_progress', erasure: { phase: 'erasing' } });
    const done = await settled(token, filed.body.id);
    expect(done.erasure).toMatchObject({ phase: 'completed', residue: [], certificateId: expect.any(String) });
    expect(done.parts.map((p: any) => p.service).sort()).toEqual([
      'billing',
      'compliance',
      'identity',
      'notifications',
      'tenant-data',
    ]);
    expect(done.erasure.retained).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: 'billing',
          what: 'ledger account',
          reason: expect.stringContaining('GST records are kept 72 months'),
        }),
        expect.objectContaining({ service: 'compliance', what: 'rights request' }),
        expect.objectContaining({ service: 'compliance', what: 'proof of consent' }),
      ]),
    );

    // After: an access request finds nothing personal (the record of the requests themselves aside).
    const after = await access(token, customerId);
    const counts = held(after.document);
    for (const [what, count] of Object.entries(counts))
      if (what !== 'compliance: rights request') expect([what, count]).toEqual([what, 0]);
    const text = JSON.stringify(after.document.parts.map((p: any) => p.holdings));
    for (const personal of ['Asha', to, 'Prefers mornings', 'Scaling', 'Aadhaar', 'form #88', 'check-up'])
      expect(text).not.toContain(personal);
    expect((await http.get(`/v1/customers/${customerId}`, token)).status).toBe(404);
    expect((await http.get(`/v1/privacy/consents?customerId=${customerId}`, token)).body.items).toEqual([]);
    // The earlier access document held the principal's data: it went with the erasure.
    const earlier = await http.get(`/v1/privacy/requests/${before.id}/result`, token);
    expect(earlier.status).toBe(200);
    expect(JSON.stringify(earlier.body)).not.toContain('Asha');

    // The certificate: signed, naming the request's principal, what each service erased and what was kept.
    const cert = await http.get(`/v1/privacy/requests/${filed.body.id}/certificate`, token);
    expect(cert.status).toBe(200);
    expect(cert.body).toMatchObject({
      id: done.erasure.certificateId,
      subject: { kind: 'principal', tenantId: expect.any(String), customerId },
      basis: 'principal_request',
      signature: { alg: 'Ed25519' },
    });
    const erased = Object.fromEntries(cert.body.services.map((s: any) => [s.service, s.erased]));
    expect(erased['tenant-data']).toEqual(
      expect.arrayContaining([
        expect.stringContaining('customer profile (1)'),
        expect.stringContaining('document (1)'),
      ]),
    );
    expect(erased.notifications).toEqual([expect.stringContaining('message (1)')]);
    expect(cert.body.retained).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: expect.stringContaining('billing'), until: expect.any(String) }),
      ]),
    );
    expect(JSON.stringify(cert.body)).not.toMatch(/Asha|Scaling|\+91/);

    const dir = await mkdtemp(join(tmpdir(), 'lekha-erasure-'));
    try {
      const file = join(dir, 'certificate.json');
      await writeFile(file, JSON.stringify(cert.body));
      await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...cert.body, retained: [] }));
      const cli = (f: string) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [
            join(REPO_ROOT, 'apps/lekha/dist/main.js'),
            'compliance',
            'verify-certificate',
            f,
          ]);
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('exit', (code) => resolve({ code, out }));
        });
      expect(await cli(file)).toMatchObject({ code: 0, out: expect.stringContaining('valid') });
      const tampered = await cli(join(dir, 'tampered.json'));
      expect(tampered.code).toBe(1);
      expect(tampered.out).toContain('signature does not match');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // Another tenant: a 404, as for any other request.
    const other = await tenant('Kiran');
    const foreign = await http.get(`/v1/privacy/requests/${filed.body.id}/certificate`, other.token);
    expect([foreign.status, foreign.body.error?.reason]).toEqual([404, 'PRIVACY_REQUEST_NOT_FOUND']);
    for (const end = Date.now() + 30_000; ; await sleep(250)) {
      const audit = await http.get(`/v1/audit/events?resourceType=deletion_certificate&limit=50`, other.token);
      const denied = (audit.body.items ?? []).filter(
        (e: any) => e.outcome === 'denied' && e.resource?.id === filed.body.id,
      );
      if (denied.length) break;
      if (Date.now() > end) throw new Error(`denial not audited: ${JSON.stringify(audit.body).slice(0, 500)}`);
    }
  });

  it('P23 P25: after the erasure a promotional send to the principal’s raw phone is refused (no consent)', async () => {
    const { token } = await tenant('Ravi');
    const to = phone();
    expect(
      (await http.put('/v1/notifications/settings', { peId: '1101234567890123456', headers: ['SMILED'] }, token))
        .status,
    ).toBe(200);
    const template = await http.post(
      '/v1/notifications/templates',
      {
        key: 'offer',
        channel: 'sms',
        category: 'promotional',
        header: 'SMILED',
        dltTemplateId: '1107161234567890123',
        text: 'Festive offer: {#var#} off at Smile Dental -Smile',
      },
      token,
    );
    expect(template.status).toBe(201);
    const customer = await http.post('/v1/customers', { name: 'Ravi Nair', phone: to }, token);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const given = await http.post(
      '/v1/privacy/consents',
      {
        principal: { customerId, phone: to },
        purpose: 'marketing',
        notice: { version: '2026-11', language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox on the booking form' },
      },
      token,
    );
    expect(given.status).toBe(201);
    for (const end = Date.now() + 30_000; ; await sleep(100)) {
      const list = await http.get(`/v1/privacy/consents?customerId=${customerId}`, token);
      if (list.body.items?.[0]?.applied.every((a: any) => a.appliedAt !== null)) break;
      if (Date.now() > end) throw new Error(`consent not applied: ${JSON.stringify(list.body).slice(0, 500)}`);
    }
    const send = (recipient: Record<string, string>) =>
      http.post(
        '/v1/notifications/messages',
        { template: 'offer', variables: ['20%'], to: recipient, channels: ['sms'] },
        token,
        { headers: { 'idempotency-key': `o-${stamp}-${seq++}` } },
      );
    // While the consent stands, a promotional send to the principal is accepted.
    expect((await send({ customerId })).status).toBe(202);

    const filed = await http.post('/v1/privacy/requests', { kind: 'erasure', customerId }, token);
    expect(filed.status).toBe(202);
    const done = await settled(token, filed.body.id);
    expect(done.erasure).toMatchObject({ phase: 'completed', residue: [] });
    // Compliance told notifications' consent view in the erasure's own transaction; the relay sends it within
    // a second, well before the two rounds of the erasure complete. The raw number no longer has a consent.
    let refused: any;
    for (const end = Date.now() + 10_000; ; await sleep(200)) {
      refused = await send({ phone: to });
      if (refused.status !== 202 || Date.now() > end) break;
    }
    expect([refused.status, refused.body.error?.reason]).toEqual([422, 'NOTIFICATION_CONSENT_REQUIRED']);
  });

  it('P23: a legal hold on the principal rejects the erasure with a reason; nothing is erased', async () => {
    const { owner, token } = await tenant('Meena');
    const customer = await http.post('/v1/customers', { name: 'Meena Rao', phone: phone() }, token);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(login.status).toBe(200);
    const admin = login.body.accessToken as string;
    const hold = await http.post(
      '/v1/platform/legal-holds',
      { tenantId: owner.tenantId, customerId, reason: 'court order in a fraud case', reference: 'CR/2027/11' },
      admin,
    );
    expect(hold.status).toBe(201);
    try {
      const filed = await http.post('/v1/privacy/requests', { kind: 'erasure', customerId }, token);
      expect(filed.status).toBe(202);
      expect(filed.body).toMatchObject({ kind: 'erasure', status: 'rejected', parts: [] });
      expect(filed.body.rejection.reason).toContain('a legal hold stands on your data');
      const cert = await http.get(`/v1/privacy/requests/${filed.body.id}/certificate`, token);
      expect([cert.status, cert.body.error?.message]).toEqual([
        404,
        'the erasure request was rejected: no certificate',
      ]);
      await sleep(1000);
      expect((await http.get(`/v1/customers/${customerId}`, token)).status).toBe(200);
    } finally {
      expect((await http.delete(`/v1/platform/legal-holds/${hold.body.id}`, admin)).status).toBe(200);
    }
  });
});
