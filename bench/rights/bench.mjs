#!/usr/bin/env node
// Rights requests benchmark: the whole platform on a local broker. One principal with typical data — a
// profile, BENCH_RECORDS (20) business records, BENCH_MESSAGES (30) messages, two consents and a ledger
// account — then BENCH_ROUNDS (10) access requests one after another, each measured:
//   1. filed → completed: compliance asks the five services on privacy.rights.v1, each answers (sealed),
//      the last answer completes the request (polled every 10 ms through the gateway);
//   2. GET /v1/privacy/requests/:id/result: the document assembled from the stored parts (JSON), and
//      with ?format=html.
//   Store: BENCH_STORE=postgres (default; BENCH_DATABASE_URL or the local server) or pglite.
//   npm run build && node bench/rights/bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDatabase, fmt, log, startBenchPlatform, startBroker, summary } from '../lib/harness.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 30);
const STORE = process.env.BENCH_STORE ?? 'postgres';

const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-rights-'));
const database = await benchDatabase(STORE);
let kafka;
let platform;
let exitCode = 0;
try {
  kafka = await startBroker(dir);
  ({ platform } = await startBenchPlatform({ dir, kafka, databaseUrl: database.url }));
  log(`platform up on ${STORE}`);
  const url = platform.gatewayUrl;
  const call = async (method, path, { token, body, headers = {} } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* HTML */
    }
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return parsed;
  };
  const owner = await call('POST', '/v1/auth/signup', {
    body: {
      business: { name: 'Bench Clinic', stateCode: '27' },
      owner: {
        name: 'Bench Owner',
        email: `owner.${Date.now()}@example.in`,
        phone: '+919812345670',
        password: 'a long bench password 1',
        ageConfirmed: true,
      },
    },
  });
  const token = owner.accessToken;
  const phone = '+919876543210';

  // The principal's typical data.
  const customer = await call('POST', '/v1/customers', {
    token,
    body: {
      name: 'Asha Verma',
      phone,
      email: 'asha.verma@example.in',
      notes: 'Prefers morning appointments',
      addresses: [{ label: 'home', line1: '12 MG Road', city: 'Bengaluru', state: 'KA', pincode: '560001' }],
      tags: ['regular', 'family'],
    },
  });
  const customerId = customer.id;
  await call('POST', '/v1/records/types', {
    token,
    body: {
      key: 'visit',
      name: 'Visit',
      schema: {
        type: 'object',
        required: ['treatment'],
        properties: {
          treatment: { type: 'string', 'x-category': 'user.health' },
          amount: { type: 'integer', 'x-category': 'business.operational' },
        },
      },
    },
  });
  for (let i = 0; i < RECORDS; i++)
    await call('POST', '/v1/records', {
      token,
      body: { type: 'visit', customerId, data: { treatment: `Visit ${i + 1}: scaling`, amount: 1500 } },
    });
  for (const purpose of ['appointment_reminders', 'marketing'])
    await call('POST', '/v1/privacy/consents', {
      token,
      body: {
        principal: { customerId, phone },
        purpose,
        notice: { version: '2026-11', language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox on the booking form' },
      },
    });
  await call('PUT', '/v1/notifications/settings', {
    token,
    body: { peId: '1101234567890123456', headers: ['SMILED'] },
  });
  await call('POST', '/v1/notifications/templates', {
    token,
    body: {
      key: 'checkup',
      channel: 'sms',
      category: 'service_explicit',
      header: 'SMILED',
      dltTemplateId: '1107161234567890123',
      text: 'Your {#var#} check-up is due this month -Smile',
    },
  });
  let sent = 0;
  for (const end = Date.now() + 60_000; sent < MESSAGES && Date.now() < end;) {
    try {
      await call('POST', '/v1/notifications/messages', {
        token,
        body: { template: 'checkup', variables: ['dental'], to: { customerId }, channels: ['sms'] },
        headers: { 'idempotency-key': `bench-${sent}-${Date.now()}` },
      });
      sent++;
    } catch {
      await new Promise((r) => setTimeout(r, 200)); // the consent is not applied yet
    }
  }
  await call('POST', '/v1/ledgers/accounts', { token, body: { name: 'Asha dues', kind: 'receivable', customerId } });
  log(`principal: profile, ${RECORDS} records, ${sent} messages, 2 consents, 1 ledger account`);

  const completed = [];
  const results = [];
  const pages = [];
  const byHand = [];
  let bytes = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const t0 = performance.now();
    const filed = await call('POST', '/v1/privacy/requests', { token, body: { kind: 'access', customerId } });
    for (;;) {
      const r = await call('GET', `/v1/privacy/requests/${filed.id}`, { token });
      if (r.status === 'completed') break;
      await new Promise((res) => setTimeout(res, 10));
    }
    const t1 = performance.now();
    const doc = await call('GET', `/v1/privacy/requests/${filed.id}/result`, { token });
    const t2 = performance.now();
    await call('GET', `/v1/privacy/requests/${filed.id}/result?format=html`, { token });
    const t3 = performance.now();
    // Baseline, same run: the principal's data read by hand, one gateway call per service in turn.
    await call('GET', `/v1/customers/${customerId}`, { token });
    await call('GET', `/v1/records?customerId=${customerId}`, { token });
    await call('GET', `/v1/notifications/messages?customerId=${customerId}`, { token });
    await call('GET', `/v1/privacy/consents?customerId=${customerId}`, { token });
    await call('GET', `/v1/ledgers/statement?customerId=${customerId}`, { token });
    const t4 = performance.now();
    if (round === 0) continue; // warm-up
    completed.push(t1 - t0);
    results.push(t2 - t1);
    pages.push(t3 - t2);
    byHand.push(t4 - t3);
    bytes = Buffer.byteLength(JSON.stringify(doc));
  }
  const row = (what, s) => console.log(`| ${what} | ${s.n} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} |`);
  console.log(`\nRights requests, ${STORE}, ${availableParallelism()} cores; document ${fmt(bytes / 1024, 1)} KB\n`);
  console.log('| measurement | n | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  row('access request filed → completed (5 services asked and answered over Kafka)', summary(completed));
  row('GET …/result (JSON document from the stored parts)', summary(results));
  row('GET …/result?format=html', summary(pages));
  row('baseline: the same principal read by hand, one GET per service in turn (5 calls)', summary(byHand));
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await platform?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(exitCode);
}
