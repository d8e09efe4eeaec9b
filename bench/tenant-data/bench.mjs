#!/usr/bin/env node
// Tenant data benchmark. Needs PostgreSQL (BENCH_DATABASE_URL, default the local server) and Java
// for the broker. Measures, in one run on one machine:
//   1. field encryption, decryption and blind-index throughput (libs/crypto), and document-sized
//      encryption in MB/s, beside a plain copy of the same bytes;
//   2. a customer read at the storage layer: the encrypted row + decrypting its fields, beside the
//      same row kept in plaintext (the baseline), on the same PostgreSQL connection;
//   3. through the gateway with everything on (JWT, Kafka request/reply, RLS transaction,
//      decryption, audit outbox): customer reads/s and blind-index lookups/s with p50/p99, beside
//      the gateway's own liveness route (HTTP floor).
//   npm run build && node bench/tenant-data/bench.mjs      (BENCH_ONLY=crypto: section 1 only)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import kafkajs from 'kafkajs';
import { benchDatabase, fmt, lib, log, pct, startBroker, startBenchPlatform } from '../lib/harness.mjs';

const { provisionTopics } = await lib('local-kafka');
const { FieldCipher, TenantKeyring } = await lib('crypto');
const { BusSeal, ReplyKeyPair, parseReplyKey, sealReply, openReply, transitKeyOf } = await lib('runtime');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 500);
// Where the platform keeps its data: `postgres` (a fresh database on BENCH_DATABASE_URL) or `pglite`
// (the embedded default a newcomer meets with `npm start`). The storage-layer case always uses PostgreSQL.
const STORE = process.env.BENCH_STORE ?? 'postgres';

/** Runs `fn` with `concurrency` callers for SECONDS; returns ops/s and latency percentiles (ms). */
async function measure(fn, concurrency = 1, seconds = SECONDS) {
  const until = performance.now() + seconds * 1000;
  const lat = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      let i = worker;
      while (performance.now() < until) {
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
        i += concurrency;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rate: lat.length / seconds, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

/** Synchronous work: ops/s over SECONDS/2. */
function syncRate(fn) {
  const until = performance.now() + (SECONDS / 2) * 1000;
  let n = 0;
  while (performance.now() < until) for (let i = 0; i < 100; i++, n++) fn(n);
  return n / (SECONDS / 2);
}

/** A fresh tenant's keys from an in-memory key store (no database needed for the crypto cases). */
function newTenantKeys() {
  const wrapped = new Map();
  const store = {
    async find(t) {
      return wrapped.get(t) ?? null;
    },
    async insertIfAbsent(t, w) {
      if (!wrapped.has(t)) wrapped.set(t, w);
      return wrapped.get(t);
    },
    async replace() {
      return false;
    },
    async destroy(t) {
      wrapped.set(t, Buffer.alloc(0));
    },
  };
  return new TenantKeyring(randomBytes(32), store).keysFor(randomUUID());
}

const rows = [];
const row = (what, r, note = '') =>
  rows.push({
    what,
    'per second': fmt(r.rate ?? r),
    'p50 ms': r.p50 === undefined ? '' : fmt(r.p50, 2),
    'p99 ms': r.p99 === undefined ? '' : fmt(r.p99, 2),
    note,
  });

// 1. libs/crypto in process.
{
  const keys = await newTenantKeys();
  const cipher = new FieldCipher(keys);
  const field = 'Asha Rao, 4 Lake Road, Bengaluru 560001';
  const sealed = cipher.encrypt('name', field);
  row(
    'encrypt one field (40 bytes, AES-256-GCM)',
    syncRate(() => cipher.encrypt('name', field)),
  );
  row(
    'decrypt one field (40 bytes)',
    syncRate(() => cipher.decrypt('name', sealed)),
  );
  row(
    'blind index (HMAC-SHA256) of a phone',
    syncRate((i) => cipher.index('phone', `+9198${i}`)),
  );
  const doc = randomBytes(1 << 20);
  const docSealed = cipher.encryptBytes('doc', doc);
  // Each operation is 1 MiB, so operations per second are MiB/s.
  const mibPerSecond = (what, fn) => {
    const r = syncRate(fn);
    row(what, r, `${fmt(r)} MiB/s`);
  };
  mibPerSecond('encrypt a 1 MiB document', () => cipher.encryptBytes('doc', doc));
  mibPerSecond('decrypt a 1 MiB document', () => cipher.decryptBytes('doc', docSealed));
  mibPerSecond('baseline: copy a 1 MiB buffer (no encryption)', () => Buffer.from(doc));

  // What sealing adds to one RPC: a 1 KiB value under the bus key (the baseline), under a tenant's
  // transit key (the same AES-GCM plus deriving the key), and a reply sealed to a reply key (ECIES).
  const bus = new BusSeal(randomBytes(32));
  const value = { id: randomUUID(), name: 'Asha Rao', notes: 'x'.repeat(900) };
  const binding = { pattern: 'tenant-data.customers.get', direction: 'request', callId: randomUUID() };
  const tenantId = randomUUID();
  row(
    'baseline: seal + open a 1 KiB RPC value with the bus key',
    syncRate(() => bus.open(bus.seal(value, binding), binding)),
  );
  row(
    'seal + open it with a tenant transit key (derived once per keyset)',
    syncRate(() => {
      const key = transitKeyOf(keys, tenantId);
      const b = { ...binding, tenantId };
      bus.open(bus.seal(value, b, key), b, key);
    }),
  );
  const caller = new ReplyKeyPair();
  const replyKey = parseReplyKey(caller.publicKeyText);
  row(
    'seal a 1 KiB reply to a reply key + open it (ECIES X25519)',
    syncRate(() =>
      openReply(
        sealReply(value, binding.pattern, binding.callId, replyKey),
        binding.pattern,
        binding.callId,
        caller.privateKey,
      ),
    ),
  );
}
if (process.env.BENCH_ONLY === 'crypto') {
  console.log(
    `tenant data benchmark (crypto only) — node ${process.version}, ${availableParallelism()} cores, ` +
      `${new Date().toISOString().slice(0, 10)}`,
  );
  console.table(rows);
  process.exit(0);
}

const database = await benchDatabase('postgres');
const dbUrl = database.url;
const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-'));
let kafka;
let platform;
try {
  // 2. Storage layer: encrypted row + decrypt vs the same row in plaintext, one connection.
  {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query(
      'create table enc (id uuid primary key, name bytea, phone bytea, email bytea, notes bytea, addresses bytea)',
    );
    await db.query(
      'create table plain (id uuid primary key, name text, phone text, email text, notes text, addresses text)',
    );
    const cipher = new FieldCipher(await newTenantKeys());
    const ids = [];
    for (let i = 0; i < 1000; i++) {
      const id = randomUUID();
      ids.push(id);
      const v = {
        name: `Customer ${i}`,
        phone: `+91980000${String(i).padStart(4, '0')}`,
        email: `c${i}@example.in`,
        notes: 'prefers mornings, two cans',
        addresses: JSON.stringify([{ line1: `${i} Lake Road`, city: 'Pune' }]),
      };
      await db.query('insert into plain values ($1,$2,$3,$4,$5,$6)', [
        id,
        v.name,
        v.phone,
        v.email,
        v.notes,
        v.addresses,
      ]);
      await db.query('insert into enc values ($1,$2,$3,$4,$5,$6)', [
        id,
        ...['name', 'phone', 'email', 'notes', 'addresses'].map((f) => cipher.encrypt(f, v[f])),
      ]);
    }
    const plain = await measure(async (i) => {
      (await db.query('select * from plain where id = $1', [ids[i % ids.length]])).rows[0];
    });
    const encrypted = await measure(async (i) => {
      const r = (await db.query('select * from enc where id = $1', [ids[i % ids.length]])).rows[0];
      for (const f of ['name', 'phone', 'email', 'notes', 'addresses']) cipher.decrypt(f, r[f]);
    });
    row('baseline: read a plaintext customer row (PostgreSQL, 1 caller)', plain);
    row(
      'read the encrypted row + decrypt 5 fields (1 caller)',
      encrypted,
      `+${fmt(encrypted.p50 - plain.p50, 3)} ms p50`,
    );
    await db.end();
  }

  // 3. Through the gateway, with everything on.
  kafka = await startBroker(dir);
  ({ platform } = await startBenchPlatform({ dir, kafka, databaseUrl: STORE === 'pglite' ? '' : dbUrl }));
  log(`platform up on ${STORE}`);
  const url = platform.gatewayUrl;

  // Baseline for the bus: raw kafkajs request/reply on the same broker (two topics, same producer
  // settings as the platform: idempotent, acks=all), one caller, no sealing, no handler work.
  {
    const client = new kafkajs.Kafka({
      clientId: 'bench-rr',
      brokers: kafka.brokers,
      logLevel: kafkajs.logLevel.NOTHING,
    });
    await provisionTopics(
      kafka.brokers,
      ['bench.req', 'bench.rep'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1, configEntries: {} })),
    );
    const [requester, responder] = [
      client.producer({ idempotent: true, maxInFlightRequests: 1 }),
      client.producer({ idempotent: true, maxInFlightRequests: 1 }),
    ];
    const server = client.consumer({ groupId: `bench-srv-${randomUUID()}` });
    const replies = client.consumer({ groupId: `bench-cli-${randomUUID()}` });
    await Promise.all([requester.connect(), responder.connect(), server.connect(), replies.connect()]);
    await server.subscribe({ topic: 'bench.req' });
    await replies.subscribe({ topic: 'bench.rep' });
    const waiting = new Map();
    await server.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        await responder.send({ topic: 'bench.rep', acks: -1, messages: [{ key: message.key, value: message.value }] });
      },
    });
    await replies.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => waiting.get(message.value.toString())?.(),
    });
    await new Promise((r) => setTimeout(r, 3000));
    row(
      'baseline: raw kafkajs request/reply on the same broker, 1 caller',
      await measure(
        () =>
          new Promise((done) => {
            const id = randomUUID();
            waiting.set(id, done);
            void requester.send({ topic: 'bench.req', acks: -1, messages: [{ key: id, value: id }] });
          }),
      ),
      'two produces, two fetches: the floor of any bus call',
    );
    await Promise.all([server.disconnect(), replies.disconnect(), requester.disconnect(), responder.disconnect()]);
  }
  const call = async (method, path, token, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  const owner = await call('POST', '/v1/auth/signup', null, {
    business: { name: 'Bench Water Co', stateCode: '27' },
    owner: {
      name: 'Bench Owner',
      email: `owner.${Date.now()}@example.in`,
      phone: '+919812345670',
      password: 'a long bench password 1',
      ageConfirmed: true,
    },
  });
  let token = owner.accessToken;
  const refreshEvery = setInterval(async () => {
    try {
      const r = await call('POST', '/v1/auth/refresh', null, { refreshToken: owner.refreshToken });
      token = r.accessToken;
      owner.refreshToken = r.refreshToken;
    } catch (err) {
      log(`token refresh failed: ${err.message}`);
    }
  }, 240_000);
  refreshEvery.unref();
  const ids = [];
  const phones = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < CUSTOMERS) {
        const i = next++;
        const phone = `+91987${String(i).padStart(7, '0')}`;
        const c = await call('POST', '/v1/customers', token, {
          name: `Customer ${i}`,
          phone,
          email: `c${i}@example.in`,
          notes: 'two cans, mornings',
          addresses: [{ line1: `${i} Lake Road`, city: 'Pune' }],
        });
        ids.push(c.id);
        phones.push(phone);
      }
    }),
  );
  const creates = CUSTOMERS / ((performance.now() - t0) / 1000);
  log(`seeded ${CUSTOMERS} customers (${fmt(creates)}/s)`);
  row(`create a customer through the gateway (8 callers)`, { rate: creates }, 'encrypt + blind index + audit outbox');
  row(
    `baseline: gateway liveness route, ${CONCURRENCY} callers`,
    await measure(() => fetch(`${url}/health/live`).then((r) => r.text()), CONCURRENCY),
    'HTTP floor, no bus, no DB',
  );
  const liveness1 = await measure(() => fetch(`${url}/health/live`).then((r) => r.text()), 1);
  row('baseline: gateway liveness route, 1 caller', liveness1, 'HTTP floor for the one-caller cases');
  const me = await measure(() => call('GET', '/v1/me', token), 1);
  row('GET /v1/me (one bus hop to identity), 1 caller', me, `target p50 ≤ ${fmt(8 * liveness1.p50 + 3, 1)} ms`);
  row(
    'bus round trip: GET /health (a ping to each of 5 services in parallel), 1 caller',
    await measure(() => fetch(`${url}/health`).then((r) => r.text()), 1),
    'Kafka request/reply, no DB',
  );
  row(
    `read a customer through the gateway, ${CONCURRENCY} callers`,
    await measure((i) => call('GET', `/v1/customers/${ids[i % ids.length]}`, token), CONCURRENCY),
    'JWT + Kafka RPC + RLS tx + decrypt + audit',
  );
  row(
    `blind-index lookup by exact phone through the gateway, ${CONCURRENCY} callers`,
    await measure(
      (i) => call('GET', `/v1/customers?phone=${encodeURIComponent(phones[i % phones.length])}`, token),
      CONCURRENCY,
    ),
    'HMAC + index scan + decrypt + audit',
  );
  row(
    `list a page of 50 customers through the gateway, ${CONCURRENCY} callers`,
    await measure(() => call('GET', '/v1/customers?limit=50', token), CONCURRENCY),
    'audit lists all 50 subjects',
  );
} finally {
  await platform?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `tenant data benchmark (platform on ${STORE}) — node ${process.version}, ${availableParallelism()} cores, ` +
    `${SECONDS} s per case, ` +
    `${new Date().toISOString().slice(0, 10)}`,
);
console.table(rows);
