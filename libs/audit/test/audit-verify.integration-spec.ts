import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  AuditSigner,
  GENESIS,
  checkpointBytes,
  nextHead,
  AuditHeaders,
  readTopicToEnd,
  type Checkpoint,
  type VerifiableRecord,
  type VerifyReport,
} from '../src/index.js';
import { AUDIT_CHECKPOINTS_TOPIC, uuidv7, type AuditEventV1 } from '@lekha/contracts';
import { ensureAuditKeys } from '@lekha/launcher';
import { provisionTopics } from '@lekha/local-kafka';
import { REPO_ROOT } from '@lekha/testing';

/** `lekha audit verify` against a real broker: a clean trail passes; each kind of tampering is caught. */
describe('lekha audit verify', () => {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const topic = `audit.verify-test.${Date.now()}`;
  const kafka = new Kafka({ clientId: 'verify-test', brokers, logLevel: logLevel.NOTHING });
  let producer: Producer;
  let dir: string;
  let trustedFile: string;
  let tenantData: AuditSigner;
  let compliance: AuditSigner;
  const heads = new Map<number, { head: string; count: number; last: number }>();

  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/lekha/dist/main.js'), 'audit', ...args], {
        env: { ...process.env, KAFKA_BROKERS: brokers.join(',') },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });
  const verifyJson = async (...extra: string[]) => {
    const { code, out } = await cli('verify', '--topic', topic, '--trusted-keys', trustedFile, '--json', ...extra);
    return { code, report: JSON.parse(out.slice(out.indexOf('{'))) as VerifyReport };
  };

  async function produce(
    signer: AuditSigner,
    partition: number,
    e: AuditEventV1,
    value = Buffer.from(JSON.stringify(e)),
  ) {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ partition, value, headers: signer.headers(value, e.eventId) }],
    });
    const h = heads.get(partition) ?? { head: GENESIS, count: 0, last: -1 };
    // Ed25519 signatures are deterministic, so signing again gives the bytes that went on the topic.
    h.head = nextHead(h.head, { partition, offset: meta!.baseOffset!, value, signature: signer.sign(value) });
    h.count++;
    h.last = Number(meta!.baseOffset);
    heads.set(partition, h);
  }

  /** Batch-signed, as the relay writes now: one signed Merkle root, a proof per record. */
  async function produceBatch(signer: AuditSigner, partition: number, events: AuditEventV1[]) {
    const values = events.map((e) => ({ value: Buffer.from(JSON.stringify(e)), eventId: e.eventId }));
    const headers = signer.batchHeaders(values);
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: values.map((v, i) => ({ partition, value: v.value, headers: headers[i]! })),
    });
    const h = heads.get(partition) ?? { head: GENESIS, count: 0, last: -1 };
    values.forEach((v, i) => {
      const offset = String(BigInt(meta!.baseOffset!) + BigInt(i));
      h.head = nextHead(h.head, {
        partition,
        offset,
        value: v.value,
        rootSignature: headers[i]![AuditHeaders.rootSignature],
        proof: headers[i]![AuditHeaders.proof],
      });
      h.count++;
      h.last = Number(offset);
    });
    heads.set(partition, h);
  }

  const readAll = async () => {
    const out: VerifiableRecord[] = [];
    await readTopicToEnd(kafka, topic, (r) => void out.push(r));
    return out;
  };

  function event(n: number): AuditEventV1 {
    return {
      schema: 'lekha.audit/1',
      eventId: uuidv7(),
      occurredAt: new Date().toISOString(),
      service: 'tenant-data',
      tenantId: uuidv7(),
      actor: { type: 'user', id: `u${n}`, roles: ['owner'] },
      action: 'read',
      resource: { type: 'customer', id: `c${n}` },
      subjectIds: [`c${n}`],
      outcome: 'allowed',
      purpose: 'service_delivery',
      fields: [],
      requestId: null,
      traceId: null,
    };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lekha-verify-'));
    const keys = await ensureAuditKeys(join(dir, 'keys'));
    trustedFile = keys.trustedKeysFile;
    tenantData = AuditSigner.fromPemFile('tenant-data', keys.signingKeyFile('tenant-data'));
    compliance = AuditSigner.fromPemFile('compliance', keys.signingKeyFile('compliance'));
    await provisionTopics(brokers, [
      {
        topic,
        numPartitions: 2,
        replicationFactor: 1,
        configEntries: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
      },
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    // A mixed topic: older per-record signatures first, then batch-signed records.
    for (let i = 0; i < 10; i++) await produce(tenantData, i % 2, event(i));
    for (const partition of [0, 1])
      await produceBatch(
        tenantData,
        partition,
        Array.from({ length: 5 }, (_, i) => event(10 + 2 * i + partition)),
      );
    for (const [partition, h] of heads) {
      const checkpoint: Checkpoint = {
        schema: 'lekha.audit-checkpoint/1',
        topic,
        partition,
        fromOffset: '0',
        toOffset: String(h.last),
        count: h.count,
        head: h.head,
        previousHead: GENESIS,
        sealedAt: new Date().toISOString(),
      };
      const value = checkpointBytes(checkpoint);
      await producer.send({
        topic: AUDIT_CHECKPOINTS_TOPIC,
        acks: -1,
        messages: [
          {
            value,
            headers: { [AuditHeaders.keyId]: compliance.keyId, [AuditHeaders.signature]: compliance.sign(value) },
          },
        ],
      });
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes an untouched trail and checks its checkpoints', async () => {
    const { code, report } = await verifyJson();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, records: 20, checkpointsChecked: 2 });
  });

  it('shows progress and a verdict in its human output', async () => {
    const { code, out } = await cli('verify', '--topic', topic, '--trusted-keys', trustedFile);
    expect(code).toBe(0);
    expect(out).toMatch(/20\/20 records \(100%\)/);
    expect(out).toMatch(/verified: no modified, missing, reordered or forged record/);
  });

  describe('on an export', () => {
    let lines: string[];
    const file = () => join(dir, 'export.ndjson');
    const verifyFile = async (content: string[]) => {
      const path = join(dir, `tampered-${Math.random()}.ndjson`);
      await writeFile(path, `${content.join('\n')}\n`);
      return verifyJson('--from-file', path);
    };

    beforeAll(async () => {
      const { code } = await cli('export', '--topic', topic, '--out', file());
      expect(code).toBe(0);
      lines = (await readFile(file(), 'utf8')).trim().split('\n');
    });

    it('an untouched export verifies', async () => {
      const { code, report } = await verifyFile(lines);
      expect(code).toBe(0);
      expect(report.records).toBe(20);
    });

    const recordLines = () =>
      lines
        .map((l, i) => ({ l, i, row: JSON.parse(l) }))
        .filter((x) => x.row.type !== 'checkpoint' && x.row.partition === 0);

    it('a modified record', async () => {
      const target = recordLines()[3]!;
      const e = JSON.parse(Buffer.from(target.row.value, 'base64').toString());
      e.outcome = 'denied';
      const copy = [...lines];
      copy[target.i] = JSON.stringify({ ...target.row, value: Buffer.from(JSON.stringify(e)).toString('base64') });
      const { code, report } = await verifyFile(copy);
      expect(code).toBe(1);
      expect(report.problems[0]).toMatchObject({ kind: 'modified', partition: 0, offset: target.row.offset });
    });

    it('a modified batch-signed record, and one whose proof was changed', async () => {
      const [target, other] = [recordLines()[7]!, recordLines()[8]!];
      expect(target.row.proof).toMatch(/^\d+\.5\./);
      const e = JSON.parse(Buffer.from(target.row.value, 'base64').toString());
      e.subjectIds = ['someone-else'];
      const copy = [...lines];
      copy[target.i] = JSON.stringify({ ...target.row, value: Buffer.from(JSON.stringify(e)).toString('base64') });
      copy[other.i] = JSON.stringify({ ...other.row, proof: recordLines()[9]!.row.proof });
      const { code, report } = await verifyFile(copy);
      expect(code).toBe(1);
      expect(report.problems.slice(0, 2)).toEqual([
        expect.objectContaining({ kind: 'modified', partition: 0, offset: target.row.offset }),
        expect.objectContaining({ kind: 'modified', partition: 0, offset: other.row.offset }),
      ]);
    });

    it('a removed record', async () => {
      const target = recordLines()[4]!;
      const { code, report } = await verifyFile(lines.filter((_, i) => i !== target.i));
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.kind)).toContain('removed');
    });

    it('security #4: a checkpoint that forks the checkpoint chain, though it matches the records', async () => {
      const rows = lines.map((l) => JSON.parse(l));
      const cp = rows.find((r) => r.type === 'checkpoint' && r.checkpoint.topic === topic && !r.checkpoint.partition);
      // Same end and head as the genuine one, but it claims to follow a checkpoint that ended at offset 0.
      const previousHead = nextHead(GENESIS, { partition: 0, offset: '0', value: Buffer.from('x') });
      const fork: Checkpoint = { ...cp.checkpoint, fromOffset: '1', previousHead };
      const sig = compliance.sign(checkpointBytes(fork));
      const row = { type: 'checkpoint', checkpoint: fork, kid: compliance.keyId, sig };
      const { code, report } = await verifyFile([...lines, JSON.stringify(row)]);
      expect(code).toBe(1);
      const forked = expect.objectContaining({ kind: 'fork', partition: 0, offset: cp.checkpoint.toOffset });
      expect(report.problems).toEqual([forked]);
      expect(report.checkpointsChecked).toBe(3);
    });

    it('reordered records', async () => {
      const [a, b] = [recordLines()[2]!, recordLines()[3]!];
      const copy = [...lines];
      [copy[a.i], copy[b.i]] = [copy[b.i]!, copy[a.i]!];
      const { code, report } = await verifyFile(copy);
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.kind)).toContain('reordered');
    });
  });

  it('a record injected into the topic by something that is not a registered service', async () => {
    const stranger = AuditSigner.generate('tenant-data');
    const e = event(99);
    const value = Buffer.from(JSON.stringify(e));
    await producer.send({
      topic,
      acks: -1,
      messages: [{ partition: 1, value, headers: stranger.headers(value, e.eventId) }],
    });
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'injected', partition: 1, detail: 'signed by an unregistered key' }),
    ]);
  });

  it('a record injected with the proof and root signature of a genuine batch', async () => {
    const donor = (await readAll()).find((r) => r.proof && r.partition === 0)!;
    const e = event(98);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          partition: 0,
          value: Buffer.from(JSON.stringify(e)),
          headers: {
            [AuditHeaders.keyId]: donor.keyId!,
            [AuditHeaders.rootSignature]: donor.rootSignature!,
            [AuditHeaders.proof]: donor.proof!,
          },
        },
      ],
    });
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    // The stranger's record from the test before is still on partition 1.
    expect(report.problems).toHaveLength(2);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'modified',
          partition: 0,
          offset: '10',
          detail: 'signature does not match the content',
        }),
        expect.objectContaining({ kind: 'injected', partition: 1 }),
      ]),
    );
  });

  it('records deleted from the topic', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs needs the metadata loaded first
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    await admin.disconnect();
    const { code, report } = await verifyJson();
    expect(code).toBe(1);
    expect(report.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'removed', partition: 0 })]),
    );
  });
});
