#!/usr/bin/env node
// Audit trail benchmark (issue: audit trail). Needs PostgreSQL (BENCH_DATABASE_URL, default the local
// server) and Java for the broker. Measures, in one run on one broker:
//   1. raw kafkajs produce→consume rate for records of the audit event's size (the baseline);
//   2. end-to-end audit throughput: recorded through the outbox by a "service" → relayed, signed →
//      sealed into the hash chain and indexed by the real compliance service;
//   3. freshness: access → queryable in the index, p50/p99, at a paced 5,000 events/s;
//   4. latency the audit step adds to a read: the same read timed with and without it.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { benchDatabase, fmt, lib, log, pct, startBroker, startBenchPlatform } from '../lib/harness.mjs';

const { provisionTopics } = await lib('local-kafka');
const { AUDIT_EVENTS_TOPIC } = await lib('contracts');
const { AuditOutbox, AuditRelay, AuditSigner, TrustedKeys, AuditHeaders, auditOutboxSql, nextHead, GENESIS } =
  await lib('audit');
const { auditEventV1Schema } = await lib('contracts');
const { Database, Migration, inTenantTransaction, defineEntity, p, tenantRoleSql, tenantTableGrantsSql } =
  await lib('persistence');
const { ensureAuditKeys } = await lib('launcher');
const { runWithContext, anonymousContext } = await lib('tenancy');
const { FieldCipher, TenantKeyring } = await lib('crypto');
const { KafkaPublisher } = await lib('kafka');

const N = Number(process.env.BENCH_EVENTS ?? 100_000);

const database = await benchDatabase('postgres');
const dbUrl = database.url;
const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-'));
const kafka = await startBroker(dir);
const client = new kafkajs.Kafka({ clientId: 'bench', brokers: kafka.brokers, logLevel: kafkajs.logLevel.NOTHING });
const results = {};
let platform;
try {
  // A representative event: what tenant-data records for a customer read.
  const sampleEvent = (tenantId, i) => ({
    schema: 'lekha.audit/1',
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    service: 'tenant-data',
    tenantId,
    actor: { type: 'user', id: randomUUID(), roles: ['owner'] },
    action: 'read',
    resource: { type: 'customer', id: randomUUID() },
    subjectIds: [randomUUID()],
    outcome: 'allowed',
    purpose: 'service_delivery',
    fields: [
      { name: 'name', category: 'user.name' },
      { name: 'phone', category: 'user.contact.phone' },
      { name: 'email', category: 'user.contact.email' },
      { name: 'notes', category: 'user.notes' },
    ],
    requestId: randomUUID(),
    traceId: `${i}`,
  });
  const recordSize = Buffer.byteLength(JSON.stringify(sampleEvent(randomUUID(), 0)));

  // 1. Baseline: raw kafkajs, same record size, same broker, same producer settings.
  {
    const topic = 'bench.raw';
    await provisionTopics(kafka.brokers, [
      { topic, numPartitions: 3, replicationFactor: 1, configEntries: { 'cleanup.policy': 'delete' } },
    ]);
    const value = Buffer.alloc(recordSize, 'x');
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = client.consumer({ groupId: `bench-raw-${randomUUID()}` });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let got = 0;
    let done;
    const finished = new Promise((r) => (done = r));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        got += batch.messages.length;
        if (got >= N) done();
      },
    });
    const t0 = performance.now();
    for (let i = 0; i < N; i += 500)
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: Math.min(500, N - i) }, (_, j) => ({ key: String((i + j) % 64), value })),
      });
    await finished;
    results.rawRate = N / ((performance.now() - t0) / 1000);
    await consumer.disconnect();
    await producer.disconnect();
    log(`raw kafkajs: ${fmt(results.rawRate)} records/s (${recordSize} bytes each)`);
  }

  // The real compliance service, on PostgreSQL.
  const keysDir = join(dir, 'keys');
  const keys = await ensureAuditKeys(keysDir);
  ({ platform } = await startBenchPlatform({
    dir,
    kafka,
    services: ['compliance'],
    databaseUrl: dbUrl,
    env: { CHECKPOINT_INTERVAL_MS: '5000' },
  }));
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const indexed = async () => Number((await db.query('select count(*) from compliance.audit_events')).rows[0].count);

  // The recording side: a service's outbox (its own schema) and relay, signing as tenant-data.
  class BenchOutbox extends Migration {
    async up() {
      [
        ...auditOutboxSql('bench'),
        'create table bench.customers (id uuid primary key, tenant_id uuid not null, name_enc bytea not null, ' +
          'phone_enc bytea)',
        ...tenantRoleSql('bench'),
        ...tenantTableGrantsSql('bench.customers'),
        ...tenantTableGrantsSql('bench.audit_outbox', ['insert']),
      ].forEach((s) => this.addSql(s));
    }
  }
  const Customer = defineEntity({
    name: 'BenchCustomer',
    tableName: 'customers',
    properties: { id: p.uuid().primary(), tenantId: p.uuid(), nameEnc: p.blob(), phoneEnc: p.blob().nullable() },
  });
  const producerDb = await Database.open({
    schema: 'bench',
    url: dbUrl,
    pgliteDir: join(dir, 'unused'),
    entities: [Customer],
    migrations: [{ name: 'BenchOutbox', class: BenchOutbox }],
  });
  const outbox = new AuditOutbox('tenant-data', 'bench');
  const signer = AuditSigner.fromPemFile('tenant-data', keys.signingKeyFile('tenant-data'));
  const publisher = new KafkaPublisher(client);
  const relay = new AuditRelay({
    db: producerDb,
    schema: 'bench',
    publisher,
    logger: { warn: log, info() {}, debug() {} },
    outbox,
    signer,
    batchSize: 2000,
    idleMs: 50,
  });
  relay.start();
  const tenantId = randomUUID();
  const ctx = anonymousContext({ tenantId, actorId: randomUUID(), actorType: 'user', roles: ['owner'] });
  const record = (tx, n) =>
    outbox.record(
      tx,
      ...Array.from({ length: n }, () => ({
        action: 'read',
        resource: { type: 'customer', id: randomUUID() },
        subjectIds: [randomUUID()],
        fields: [{ name: 'phone', category: 'user.contact.phone' }],
      })),
    );

  // 2. End-to-end throughput: 4 writers, 50 accesses per transaction (a list page's worth).
  {
    const start = await indexed();
    const t0 = performance.now();
    let next = 0;
    // Where events wait: recorded (in outboxes) → published by the relay → indexed by compliance.
    const published0 = relay.published;
    const timeline = [];
    const sampler = setInterval(async () => {
      timeline.push({
        s: (performance.now() - t0) / 1000,
        recorded: Math.min(next, N),
        relayed: relay.published - published0,
        indexed: (await indexed()) - start,
      });
    }, 1000);
    await runWithContext(ctx, () =>
      Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < N) {
            next += 50;
            await producerDb.em().transactional((tx) => record(tx, 50));
          }
        }),
      ),
    );
    const recordedIn = (performance.now() - t0) / 1000;
    while ((await indexed()) - start < N) await new Promise((r) => setTimeout(r, 100));
    const total = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    for (const t of timeline)
      log(`  t=${fmt(t.s, 1)}s recorded ${t.recorded} relayed ${t.relayed} indexed ${t.indexed}`);
    results.e2eRate = N / total;
    results.recordRate = N / recordedIn;
    log(`end to end: ${fmt(results.e2eRate)} events/s (recording alone ${fmt(results.recordRate)}/s)`);
  }

  // 3. Freshness at a paced 5,000 events/s for 10 s (100 events every 20 ms).
  {
    const from = new Date();
    const t0 = performance.now();
    let sent = 0;
    await runWithContext(ctx, async () => {
      for (let tick = 0; tick < 500; tick++) {
        const due = t0 + tick * 20;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await producerDb.em().transactional((tx) => record(tx, 100));
        sent += 100;
      }
    });
    const achieved = sent / ((performance.now() - t0) / 1000);
    while (
      Number(
        (await db.query('select count(*) from compliance.audit_events where occurred_at >= $1', [from])).rows[0].count,
      ) < sent
    )
      await new Promise((r) => setTimeout(r, 100));
    const { rows } = await db.query(
      `select percentile_cont(0.5) within group (order by ms) as p50,
              percentile_cont(0.99) within group (order by ms) as p99, max(ms) as max
       from (select extract(epoch from (ingested_at - occurred_at)) * 1000 as ms from compliance.audit_events
       where occurred_at >= $1) t`,
      [from],
    );
    results.freshness = {
      rate: achieved,
      p50: Number(rows[0].p50),
      p99: Number(rows[0].p99),
      max: Number(rows[0].max),
    };
    log(
      `freshness at ${fmt(achieved)} events/s: p50 ${fmt(results.freshness.p50, 1)} ms, p99 ` +
        `${fmt(results.freshness.p99, 1)} ms`,
    );
  }
  await relay.stop();
  await publisher.close();

  // 4. A customer read (tenant transaction, ORM lookup, decrypt) with and without its audit record.
  {
    const keyring = new TenantKeyring(randomBytes(32), {
      rows: new Map(),
      async find(t) {
        return this.rows.get(t) ?? null;
      },
      async insertIfAbsent(t, w) {
        if (!this.rows.has(t)) this.rows.set(t, w);
        return this.rows.get(t);
      },
    });
    const cipher = new FieldCipher(await keyring.keysFor(tenantId));
    const ids = [];
    await inTenantTransaction(producerDb.em(), tenantId, async (tx) => {
      for (let i = 0; i < 200; i++) {
        const id = randomUUID();
        ids.push(id);
        tx.create(Customer, {
          id,
          tenantId,
          nameEnc: cipher.encrypt('name', `Customer ${i}`),
          phoneEnc: cipher.encrypt('phone', '+919800000000'),
        });
      }
      await tx.flush();
    });
    const read = (audited) =>
      runWithContext(ctx, () =>
        inTenantTransaction(producerDb.em(), tenantId, async (tx) => {
          const id = ids[Math.floor(Math.random() * ids.length)];
          const row = await tx.findOne(Customer, { id });
          const view = { name: cipher.decrypt('name', row.nameEnc), phone: cipher.decrypt('phone', row.phoneEnc) };
          if (audited)
            await outbox.record(tx, {
              action: 'read',
              resource: { type: 'customer', id },
              subjectIds: [id],
              fields: [
                { name: 'name', category: 'user.name' },
                { name: 'phone', category: 'user.contact.phone' },
              ],
            });
          return view;
        }),
      );
    const time = async (audited, n) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await read(audited);
        out.push(performance.now() - t);
      }
      return out.sort((a, b) => a - b);
    };
    await time(true, 300);
    await time(false, 300); // warm up
    const plainTimes = [];
    const auditedTimes = [];
    for (let round = 0; round < 10; round++) {
      plainTimes.push(...(await time(false, 200)));
      auditedTimes.push(...(await time(true, 200)));
    }
    plainTimes.sort((a, b) => a - b);
    auditedTimes.sort((a, b) => a - b);
    results.read = {
      plain: { p50: pct(plainTimes, 0.5), p99: pct(plainTimes, 0.99) },
      audited: { p50: pct(auditedTimes, 0.5), p99: pct(auditedTimes, 0.99) },
    };
    log(`read: plain p50 ${fmt(results.read.plain.p50, 2)} ms, audited p50 ${fmt(results.read.audited.p50, 2)} ms`);
  }
  // 5. The bounds: what each step of compliance's ingestion costs alone, on this machine, now.
  {
    const rate = (n, fn) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) fn(i);
      return n / ((performance.now() - t) / 1000);
    };
    const values = Array.from({ length: 12_800 }, (_, i) => Buffer.from(JSON.stringify(sampleEvent(tenantId, i))));
    const trusted = new TrustedKeys([{ service: 'tenant-data', publicKeyPem: signer.publicKeyPem() }]);
    const perRecord = values.slice(0, 2000).map((v) => signer.headers(v, 'x'));
    const batched = signer.batchHeaders(values.map((value) => ({ value, eventId: 'x' })));
    const seal = (h) => ({
      keyId: h[AuditHeaders.keyId],
      signature: h[AuditHeaders.signature],
      rootSignature: h[AuditHeaders.rootSignature],
      proof: h[AuditHeaders.proof],
    });
    results.bounds = {
      signPerRecord: rate(2000, (i) => signer.sign(values[i])),
      verifyPerRecord: rate(2000, (i) => trusted.checkRecord(values[i], seal(perRecord[i]), 'tenant-data')),
      signBatched: rate(1, () => signer.batchHeaders(values.map((value) => ({ value, eventId: 'x' })))) * values.length,
      verifyBatched: rate(values.length, (i) => trusted.checkRecord(values[i], seal(batched[i]), 'tenant-data')),
      parseValidate: rate(values.length, (i) => auditEventV1Schema.safeParse(JSON.parse(values[i].toString('utf8')))),
      chainStep: rate(values.length, (i) =>
        nextHead(GENESIS, { partition: 0, offset: String(i), value: values[i], ...seal(batched[i]) }),
      ),
    };
    // The index insert alone: compliance's statement (one JSON parameter per batch), 500 events a transaction.
    const insertSql = `insert into compliance.audit_events
         (event_id, tenant_id, occurred_at, service, actor_type, actor_id, action, resource_type, resource_id,
          subject_ids, outcome, kafka_partition, kafka_offset, payload, chain_hash)
       select (r->'e'->>'eventId')::uuid, (r->'e'->>'tenantId')::uuid, (r->'e'->>'occurredAt')::timestamptz,
       r->'e'->>'service', r->'e'->'actor'->>'type',
              r->'e'->'actor'->>'id', r->'e'->>'action', r->'e'->'resource'->>'type', r->'e'->'resource'->>'id',
              array(select jsonb_array_elements_text(r->'e'->'subjectIds')), r->'e'->>'outcome',
              (r->>'p')::int, (r->>'o')::bigint, r->'e', r->>'h'
       from jsonb_array_elements($1::jsonb) as r on conflict (event_id) do nothing`;
    const M = 20_000;
    const t = performance.now();
    for (let i = 0; i < M; i += 500) {
      const rows = JSON.stringify(
        Array.from({ length: 500 }, (_, j) => ({
          e: sampleEvent(tenantId, i + j),
          p: 100,
          o: i + j,
          h: 'x'.repeat(64),
        })),
      );
      await db.query('begin');
      await db.query(insertSql, [rows]);
      await db.query('commit');
    }
    results.bounds.indexInsert = M / ((performance.now() - t) / 1000);
    const b = results.bounds;
    log(
      `bounds: verify per-record ${fmt(b.verifyPerRecord)}/s, batched ${fmt(b.verifyBatched)}/s; index insert ` +
        `${fmt(b.indexInsert)}/s`,
    );
  }
  await producerDb.close();
  await db.end();
} finally {
  await platform?.stop();
  await kafka.stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

const r = results;
/** A row of a Markdown table. */
const mdRow = (...cells) => `| ${cells.join(' | ')} |`;
const machine =
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
  `Kafka ${kafka.version} single node; PostgreSQL; ${fmt(N)} events.`;
const throughputRow = mdRow(
  'end-to-end audit throughput (recorded → signed → relayed → sealed → indexed)',
  `${fmt(r.e2eRate)} events/s`,
  `raw kafkajs produce→consume of same-size records: ${fmt(r.rawRate)} records/s ` +
    `(${fmt((100 * r.e2eRate) / r.rawRate)}% of raw); target ≥ 20,000/s and ≥ 50% of raw`,
);
const freshnessRow = mdRow(
  `freshness at ${fmt(r.freshness.rate)} events/s (access → queryable)`,
  `p50 ${fmt(r.freshness.p50, 1)} ms, p99 ${fmt(r.freshness.p99, 1)} ms, max ${fmt(r.freshness.max, 1)} ms`,
  'target p99 < 1,000 ms at 5,000/s',
);
const readRow = mdRow(
  'customer read, audited',
  `p50 ${fmt(r.read.audited.p50, 2)} ms, p99 ${fmt(r.read.audited.p99, 2)} ms`,
  `same read without its audit step: p50 ${fmt(r.read.plain.p50, 2)} ms, p99 ${fmt(r.read.plain.p99, 2)} ms ` +
    `→ audit adds ${fmt(r.read.audited.p50 - r.read.plain.p50, 2)} ms p50 (target < 2 ms)`,
);
console.log(`${machine}

| measure | result | baseline / target |
| --- | --- | --- |
${throughputRow}
| recording alone (outbox inserts, 50 per transaction, 4 writers) | ${fmt(r.recordRate)} events/s | |
${freshnessRow}
${readRow}

Bounds, each step alone (one core unless noted), same run:

| step | per second |
| --- | --- |
| Ed25519 sign, one per record (the old relay) | ${fmt(r.bounds.signPerRecord)} |
| Merkle trees of 128 + one signature each (the relay now) | ${fmt(r.bounds.signBatched)} records |
| verify a per-record signature (older records) | ${fmt(r.bounds.verifyPerRecord)} |
| verify a batch-signed record (leaf + proof, root signature once per tree) | ${fmt(r.bounds.verifyBatched)} |
| JSON parse + lekha.audit/1 validation | ${fmt(r.bounds.parseValidate)} |
| hash-chain step | ${fmt(r.bounds.chainStep)} |
| index insert alone (PostgreSQL, 500 events a transaction) | ${fmt(r.bounds.indexInsert)} |`);
