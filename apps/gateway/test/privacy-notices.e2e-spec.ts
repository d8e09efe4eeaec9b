import { setTimeout as sleep } from 'node:timers/promises';
import {
  api,
  devInboxHeaders,
  request,
  sharedTestPlatform,
  signupTenant,
  type SharedTestPlatform,
} from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are asserted field by field */

/**
 * Versioned privacy notices, the data map and the access document's language, through the gateway over
 * real HTTP, a real broker and database: notices in English and Hindi numbered per language and never
 * changed; the public read with its English fallback; a material change told once to the owner and to each
 * customer with an active consent (the development inbox shows what the providers were sent), and consents
 * given under the earlier version marked for re-acceptance until given again; the data map assembled from
 * every service's own declarations; the access document rendered in Hindi.
 */
describe('privacy notices through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let seq = 0;
  const phone = () => `+9196${String(Date.now() + seq++ * 7919).slice(-8)}`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  async function tenant(name: string) {
    const who = `${name}${seq++}`;
    const owner = await signupTenant(tp.gatewayUrl, 'Jal Mitra', who, { stamp });
    return { owner, token: owner.accessToken, email: `${who.toLowerCase()}.${stamp}@example.in` };
  }

  const notice = (language: string, extra: Record<string, unknown> = {}) => ({
    language,
    title: language === 'hi' ? 'गोपनीयता सूचना' : 'Privacy notice',
    sections: [{ heading: language === 'hi' ? 'हम क्या रखते हैं' : 'What we keep', body: 'Your name and phone.' }],
    categories: [
      { category: 'user.name', label: language === 'hi' ? 'आपका नाम' : 'Your name' },
      { category: 'user.contact.phone', label: language === 'hi' ? 'आपका फ़ोन नंबर' : 'Your phone number' },
    ],
    purposes: [{ key: 'marketing', label: language === 'hi' ? 'ऑफ़र और प्रचार' : 'Offers and promotions' }],
    material: false,
    ...extra,
  });

  /** Platform messages of one purpose the providers were sent for an address (the development inbox). */
  async function inbox(to: string, purpose: string) {
    const res = await request<{ items: { purpose: string; body: string }[] }>(
      tp.gatewayUrl,
      'GET',
      `/v1/dev/inbox?to=${encodeURIComponent(to)}`,
      { headers: devInboxHeaders() },
    );
    expect(res.status).toBe(200);
    return res.body.items.filter((m) => m.purpose === purpose);
  }

  async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await sleep(250);
    }
  }

  async function customerWithConsent(token: string, language: string, version: string) {
    const to = phone();
    const made = await http.post('/v1/customers', { name: 'Meena Rao', phone: to }, token);
    expect(made.status).toBe(201);
    const consent = await http.post(
      '/v1/privacy/consents',
      {
        principal: { customerId: made.body.id, phone: to },
        purpose: 'marketing',
        notice: { version, language },
        channel: 'web',
        evidence: { method: 'checkbox on the sign-up form' },
      },
      token,
    );
    expect(consent.status).toBe(201);
    return { customerId: made.body.id as string, phone: to, consentId: consent.body.id as string };
  }

  it('publishes versions per language, never changed; bad input refused; public read falls back to en', async () => {
    const { owner, token } = await tenant('Ravi');
    const none = await http.get(`/v1/public/tenants/${owner.tenantId}/privacy/notices`);
    expect(none.status).toBe(404);
    expect(none.body.error.reason).toBe('PRIVACY_NOTICE_NOT_FOUND');

    const en1 = await http.post('/v1/privacy/notices', notice('en'), token);
    expect(en1.status).toBe(201);
    expect(en1.body).toMatchObject({ language: 'en', version: 1, current: true, material: false, notified: null });
    const hi1 = await http.post('/v1/privacy/notices', notice('hi', { version: 1 }), token);
    expect(hi1.status).toBe(201);
    expect(hi1.body).toMatchObject({ language: 'hi', version: 1, title: 'गोपनीयता सूचना' });
    const en2 = await http.post('/v1/privacy/notices', notice('en', { title: 'Privacy notice, 2nd' }), token);
    expect(en2.body.version).toBe(2);

    // A version already published, a purpose not the tenant's, a language outside the schedule, a bad category.
    const taken = await http.post('/v1/privacy/notices', notice('en', { version: 2 }), token);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'CONFLICT', reason: 'PRIVACY_NOTICE_VERSION_TAKEN' });
    expect(taken.body.error.message).toContain('next en version is 3');
    const purpose = await http.post(
      '/v1/privacy/notices',
      notice('en', { purposes: [{ key: 'telepathy', label: 'Mind reading' }] }),
      token,
    );
    expect(purpose.status).toBe(422);
    expect(purpose.body.error.reason).toBe('PRIVACY_PURPOSE_UNKNOWN');
    expect(purpose.body.error.message).toContain('telepathy');
    expect((await http.post('/v1/privacy/notices', notice('fr'), token)).status).toBe(400);
    const category = await http.post(
      '/v1/privacy/notices',
      notice('en', { categories: [{ category: 'user.horoscope', label: 'Stars' }] }),
      token,
    );
    expect(category.status).toBe(400);
    const material = await http.post('/v1/privacy/notices', notice('en', { material: true }), token);
    expect(material.status).toBe(400);
    expect(JSON.stringify(material.body.error)).toContain('summaryOfChanges');

    // Versions never change: version 1 reads as it was published, no longer current.
    const first = await http.get(`/v1/privacy/notices/${en1.body.id}`, token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, title: 'Privacy notice', current: false });
    const all = await http.get('/v1/privacy/notices', token);
    expect(all.body.items.map((n: any) => `${n.language}${n.version}`)).toEqual(['en2', 'hi1', 'en1']);
    const current = await http.get('/v1/privacy/notices?current=true', token);
    expect(current.body.items.map((n: any) => `${n.language}${n.version}`).sort()).toEqual(['en2', 'hi1']);
    const hiOnly = await http.get('/v1/privacy/notices?language=hi', token);
    expect(hiOnly.body.items).toHaveLength(1);

    // The public read: no token; the language asked for, else English.
    const hi = await http.get(`/v1/public/tenants/${owner.tenantId}/privacy/notices?language=hi`);
    expect(hi.status).toBe(200);
    expect(hi.body).toMatchObject({ language: 'hi', version: 1, fallback: false });
    expect(hi.body.categories[0]).toEqual({ category: 'user.name', label: 'आपका नाम' });
    expect(hi.body).not.toHaveProperty('publishedBy');
    const ta = await http.get(`/v1/public/tenants/${owner.tenantId}/privacy/notices?language=ta`);
    expect(ta.body).toMatchObject({ language: 'en', version: 2, fallback: true, title: 'Privacy notice, 2nd' });
    expect((await http.get(`/v1/public/tenants/${owner.tenantId}/privacy/notices?language=xx`)).status).toBe(400);

    // Another tenant: its notice IDs are a 404; its public read is its own.
    const other = await tenant('Other');
    const cross = await http.get(`/v1/privacy/notices/${en1.body.id}`, other.token);
    expect(cross.status).toBe(404);
    expect(cross.body.error.reason).toBe('PRIVACY_NOTICE_NOT_FOUND');
    expect((await http.get(`/v1/public/tenants/${other.owner.tenantId}/privacy/notices`)).status).toBe(404);
    expect((await http.post('/v1/privacy/notices', notice('en'))).status).toBe(401);
  });

  it('P52: a material change tells the owner and each consenting principal once; re-acceptance needed', async () => {
    const { token, email } = await tenant('Lata');
    expect((await http.post('/v1/privacy/notices', notice('en'), token)).status).toBe(201);
    expect((await http.post('/v1/privacy/notices', notice('hi'), token)).status).toBe(201);
    const a = await customerWithConsent(token, 'en', '1');
    const b = await customerWithConsent(token, 'en', '1');
    const h = await customerWithConsent(token, 'hi', '1');
    // A principal known only by the phone they gave (no customer record): told too, at that phone.
    const onlyPhone = `+9198${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const byAddress = await http.post(
      '/v1/privacy/consents',
      {
        principal: { phone: onlyPhone },
        purpose: 'marketing',
        notice: { version: '1', language: 'en' },
        channel: 'web',
        evidence: { method: 'newsletter form' },
      },
      token,
    );
    expect(byAddress.status).toBe(201);

    const changed = await http.post(
      '/v1/privacy/notices',
      notice('en', { material: true, summaryOfChanges: 'We now share your phone with our SMS provider.' }),
      token,
    );
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ version: 2, material: true, notified: { owner: 1, principals: 3 } });

    // Each of the English consenters (two customers, one known by a phone only) and the owner get one
    // message; the Hindi consenter none.
    for (const to of [a.phone, b.phone, onlyPhone, email]) {
      const got = await until(
        `notice to ${to}`,
        () => inbox(to, 'privacy_notice_change'),
        (items) => items.length >= 1,
      );
      expect(got).toHaveLength(1);
      expect(got[0]!.body).toContain('version 2');
      expect(got[0]!.body).toContain('We now share your phone with our SMS provider.');
    }
    expect(await inbox(h.phone, 'privacy_notice_change')).toHaveLength(0);

    const consentsOf = async (customerId: string) =>
      (await http.get(`/v1/privacy/consents?customerId=${customerId}`, token)).body.items;
    expect((await consentsOf(a.customerId))[0]).toMatchObject({ id: a.consentId, needsReacceptance: true });
    expect((await consentsOf(h.customerId))[0]).toMatchObject({ needsReacceptance: false });

    // Given again under version 2: the new record and the old one no longer need it.
    const again = await http.post(
      '/v1/privacy/consents',
      {
        principal: { customerId: a.customerId, phone: a.phone },
        purpose: 'marketing',
        notice: { version: '2', language: 'en' },
        channel: 'web',
        evidence: { method: 'accepted the changed notice' },
      },
      token,
    );
    expect(again.status).toBe(201);
    expect(again.body.needsReacceptance).toBe(false);
    expect((await consentsOf(a.customerId)).map((c: any) => c.needsReacceptance)).toEqual([false, false]);
    expect((await consentsOf(b.customerId))[0].needsReacceptance).toBe(true);

    // A later, non-material version tells no one again; the next material one tells each person once more.
    expect((await http.post('/v1/privacy/notices', notice('en'), token)).body.notified).toBeNull();
    const third = await http.post(
      '/v1/privacy/notices',
      notice('en', { material: true, summaryOfChanges: 'A new purpose.' }),
      token,
    );
    expect(third.body).toMatchObject({ version: 4, notified: { owner: 1, principals: 3 } });
    await until(
      'the second change',
      () => inbox(b.phone, 'privacy_notice_change'),
      (items) => items.length >= 2,
    );
    await sleep(1000);
    expect(await inbox(b.phone, 'privacy_notice_change')).toHaveLength(2);
    expect(await inbox(email, 'privacy_notice_change')).toHaveLength(2);
  });

  it('the data map lists every service’s declared personal tables (JSON and a printable page)', async () => {
    const { token } = await tenant('Mira');
    const res = await http.get('/v1/compliance/data-map', token);
    expect(res.status).toBe(200);
    expect(res.body.services.map((s: any) => s.service).sort()).toEqual([
      'billing',
      'compliance',
      'identity',
      'notifications',
      'tenant-data',
    ]);
    for (const s of res.body.services) expect(s.tables).toBeGreaterThan(0);
    const entry = (table: string) => res.body.entries.find((e: any) => e.table === table);
    expect(entry('compliance.consent_records')).toMatchObject({
      service: 'compliance',
      category: 'user.consent',
      principalColumn: 'customer_id',
    });
    expect(entry('notifications.messages')).toMatchObject({ service: 'notifications' });
    expect(res.body.entries.some((e: any) => e.service === 'tenant-data' && e.category === 'user.name')).toBe(true);
    expect(res.body.entries.some((e: any) => e.service === 'billing')).toBe(true);
    expect(res.body.categories.find((c: any) => c.category === 'user.consent').services).toContain('compliance');

    const page = await http.text('/v1/compliance/data-map?format=html', token);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<h2>tenant-data</h2>');
    expect(page.text).toContain('compliance.consent_records');
    expect((await http.get('/v1/compliance/data-map')).status).toBe(401);
    expect((await http.get('/v1/compliance/data-map?format=pdf', token)).status).toBe(400);
  });

  it('renders the access document in the language of the principal’s consent notice (hi), en on request', async () => {
    const { token } = await tenant('Usha');
    expect((await http.post('/v1/privacy/notices', notice('en'), token)).status).toBe(201);
    expect((await http.post('/v1/privacy/notices', notice('hi'), token)).status).toBe(201);
    const p = await customerWithConsent(token, 'hi', '1');
    const filed = await http.post('/v1/privacy/requests', { kind: 'access', customerId: p.customerId }, token);
    expect(filed.status).toBe(202);
    await until(
      'the access request',
      async () => (await http.get(`/v1/privacy/requests/${filed.body.id}`, token)).body.status,
      (s) => s === 'completed',
    );
    const hi = await http.text(`/v1/privacy/requests/${filed.body.id}/result?format=html`, token);
    expect(hi.status).toBe(200);
    expect(hi.headers.get('content-language')).toBe('hi');
    expect(hi.text).toContain('<html lang="hi">');
    expect(hi.text).toContain('आपके बारे में रखा गया व्यक्तिगत डेटा');
    // The category as the tenant's Hindi notice names it; the purpose label from the notice.
    expect(hi.text).toContain('आपका नाम (user.name)');
    expect(hi.text).toContain('ऑफ़र और प्रचार (marketing)');

    const en = await http.text(`/v1/privacy/requests/${filed.body.id}/result?format=html&language=en`, token);
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.text).toContain('The personal data held about you');
    expect(en.text).toContain('Your name (user.name)');
    // A language the tenant has no notice in: English.
    const ta = await http.text(`/v1/privacy/requests/${filed.body.id}/result?format=html&language=ta`, token);
    expect(ta.headers.get('content-language')).toBe('en');
    const json = await http.get(`/v1/privacy/requests/${filed.body.id}/result`, token);
    expect(json.status).toBe(200);
    expect(json.body.requestId).toBe(filed.body.id);
  });
});
