import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { AuditOutbox, AuditSigner, ChainVerifier, GENESIS, TrustedKeys, readTopicToEnd } from '@lekha/audit';
import type { SignedCheckpoint } from '@lekha/audit';
import { KafkaPublisher } from '@lekha/kafka';
import { Database } from '@lekha/persistence';
import { provisionTopics } from '@lekha/local-kafka';
import { PlatformAccess } from '@lekha/access';
import { AuditOps } from '@lekha/contracts';
import { AppLogger, operationScope } from '@lekha/runtime';
import { anonymousContext } from '@lekha/tenancy';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';
import { AuditCheckpointer } from '../src/audit-index/audit-checkpointer.js';
import { AuditIndexRepository } from '../src/audit-index/audit-index.repository.js';
import { AuditStatusUseCase } from '../src/audit-index/use-cases/audit-status.use-case.js';
import type { ComplianceConfig } from '../src/config/compliance.config.js';
import { migrations } from '../src/migrations/index.js';

const stamp = Date.now().toString(36);
const EVENTS = `audit.checkpoint-test.${stamp}`;
const CHECKPOINTS = `audit.checkpoint-test.${stamp}.checkpoints`;

/** The checkpointer as compliance runs it, publishing to this suite's own topic (the shared one stays clean). */
class SuiteCheckpointer extends AuditCheckpointer {
  protected override readonly topics = { events: EVENTS, checkpoints: CHECKPOINTS };
}

/** A stand-in chain head for a partition whose last sealed record is at `offset`. */
const headAt = (partition: number, offset: number) =>
  createHash('sha256').update(`${partition}|${offset}`).digest('hex');

/**
 * The checkpointer against the real compliance tables (PostgreSQL when TEST_DATABASE_URL is set,
 * PGlite otherwise) and a real broker: the latest checkpoint is the furthest one, however many
 * digits its offset has, so a partition that did not grow gets no new checkpoint, and the chain
 * of checkpoints never forks.
 */
describe(`audit checkpoints (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const kafka = new Kafka({ clientId: 'checkpoint-test', brokers, logLevel: logLevel.NOTHING });
  const publisher = new KafkaPublisher(kafka);
  const signer = AuditSigner.generate('compliance');
  const trusted = new TrustedKeys([{ service: 'compliance', publicKeyPem: signer.publicKeyPem() }]);
  let testDb: TestDatabase;
  let pgliteDir: string;
  let db: Database;
  let repo: AuditIndexRepository;
  let checkpointer: SuiteCheckpointer;
  let status: AuditStatusUseCase;
  const compliance = anonymousContext({ actorType: 'user', actorId: 'officer', roles: ['platform:compliance'] });

  const grow = (partition: number, offset: number) =>
    db.em().transactional((tx) =>
      repo.saveChainHead(tx, {
        partition,
        lastOffset: String(offset),
        head: headAt(partition, offset),
        count: offset + 1,
      }),
    );

  const published = async (): Promise<SignedCheckpoint[]> => {
    const out: SignedCheckpoint[] = [];
    await readTopicToEnd(kafka, CHECKPOINTS, (r) => {
      out.push({ checkpoint: JSON.parse(r.value.toString('utf8')), keyId: r.keyId, signature: r.signature });
    });
    return out;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    pgliteDir = await mkdtemp(join(tmpdir(), 'lekha-checkpoints-'));
    db = await Database.open({ schema: 'compliance', url: testDb.url, pgliteDir, entities: [], migrations });
    const configEntries = { 'cleanup.policy': 'delete' };
    await provisionTopics(brokers, [{ topic: CHECKPOINTS, numPartitions: 1, replicationFactor: 1, configEntries }]);
    repo = new AuditIndexRepository(db);
    const config = { CHECKPOINT_INTERVAL_MS: 3_600_000 } as ComplianceConfig;
    checkpointer = new SuiteCheckpointer(db, repo, signer, publisher, config, new AppLogger(pino({ level: 'silent' })));
    status = new AuditStatusUseCase(
      new PlatformAccess(db, new AuditOutbox('compliance', 'compliance')),
      repo,
      checkpointer,
    );
  });

  afterAll(async () => {
    await checkpointer?.onModuleDestroy();
    await publisher.close();
    await db?.close();
    await testDb?.drop();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [CHECKPOINTS] }).catch(() => undefined);
    await admin.disconnect();
  });

  const offsets = [3, 9, 10, 42, 99, 100, 101, 999, 1000, 1001, 12_345];

  it('security #4: past offsets 10, 100 and 1000 the latest checkpoint is the furthest; idle gets none', async () => {
    for (const offset of offsets) {
      await grow(0, offset);
      expect(await checkpointer.checkpointAll()).toBe(1);
      const [latest] = await checkpointer.latest();
      expect(latest).toMatchObject({ partition: 0, toOffset: String(offset), head: headAt(0, offset) });
      expect(latest!.count).toBe(offset + 1);
      // Nothing grew since: two more rounds publish nothing.
      expect(await checkpointer.checkpointAll()).toBe(0);
      expect(await checkpointer.checkpointAll()).toBe(0);
    }
    const stored = await db.em().execute<{ from_offset: string; to_offset: string; previous_head: string }[]>(
      `select from_offset::text as from_offset, to_offset::text as to_offset, previous_head
       from compliance.audit_checkpoints where kafka_partition = 0 order by id`,
    );
    // Each checkpoint starts where the one before it ended and names that one's head.
    const chain = offsets.map((to, i) => ({
      from_offset: i ? String(offsets[i - 1]! + 1) : '0',
      to_offset: String(to),
      previous_head: i ? headAt(0, offsets[i - 1]!) : GENESIS,
    }));
    expect(stored).toEqual(chain);
    const onTopic = await published();
    expect(onTopic.map((c) => c.checkpoint.toOffset)).toEqual(offsets.map(String));
    // The verifier finds the published chain linked end to end (the records are not part of this test).
    const report = new ChainVerifier(trusted, onTopic).finish();
    expect(report.checkpointsChecked).toBe(offsets.length);
    expect(report.problems.filter((p) => p.kind === 'fork' || p.kind === 'gap')).toEqual([]);
  });

  it('security #4: the chain status reports a checkpoint that forks the chain, and one after a gap', async () => {
    const before = await status.execute(operationScope(AuditOps.status, compliance));
    expect(before.ok).toBe(true);
    expect(before.partitions[0]).toMatchObject({
      partition: 0,
      checkpoint: { toOffset: '12345', matchesChain: true },
      checkpointChain: { checkpoints: offsets.length, problems: [] },
    });

    const insert = (from: number, to: number, previousHead: string) =>
      db.em().execute(
        `insert into compliance.audit_checkpoints
           (kafka_partition, from_offset, to_offset, record_count, head, previous_head, sealed_at, key_id, signature)
         values (0, ?, ?, ?, ?, ?, now(), ?, 'x')`,
        [from, to, to + 1, headAt(0, to), previousHead, signer.keyId],
      );
    // What the stale "latest" did: the last range published again, naming the same predecessor.
    await insert(1002, 12_345, headAt(0, 1001));
    const forked = await status.execute(operationScope(AuditOps.status, compliance));
    expect(forked.ok).toBe(false);
    expect(forked.partitions[0]!.checkpointChain.problems).toEqual([
      expect.objectContaining({ kind: 'fork', fromOffset: '1002', toOffset: '12345' }),
    ]);

    // A checkpoint that starts past the end of the one before it: the records between are in none.
    await grow(0, 100_000);
    await insert(12_400, 100_000, headAt(0, 12_345));
    const gapped = await status.execute(operationScope(AuditOps.status, compliance));
    expect(gapped.partitions[0]!.checkpoint).toMatchObject({ toOffset: '100000', matchesChain: true });
    // In offset order (12345 before 100000, which text order would swap).
    expect(gapped.partitions[0]!.checkpointChain).toEqual({
      checkpoints: offsets.length + 2,
      problems: [
        expect.objectContaining({ kind: 'fork', toOffset: '12345' }),
        expect.objectContaining({
          kind: 'gap',
          fromOffset: '12400',
          toOffset: '100000',
          detail: 'offsets 12346..12399 are in no checkpoint',
        }),
      ],
    });
  });
});
