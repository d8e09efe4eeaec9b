import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import {
  ChainVerifier,
  TrustedKeys,
  readTopicToEnd,
  type SignedCheckpoint,
  type VerifiableRecord,
  type VerifyReport,
} from '@lekha/audit';
import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_EVENTS_TOPIC, auditEventV1Schema } from '@lekha/contracts';
import { parseFlags, type Flags } from '../flags.js';
import { step } from '../progress.js';

function kafkaFrom(): Kafka {
  const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (!brokers?.length) throw new Error('set KAFKA_BROKERS (e.g. 127.0.0.1:19092 while `npm start` runs)');
  return new Kafka({ clientId: 'lekha-cli', brokers, logLevel: logLevel.NOTHING });
}

async function readCheckpoints(kafka: Kafka, topic: string): Promise<SignedCheckpoint[]> {
  const out: SignedCheckpoint[] = [];
  await readTopicToEnd(kafka, AUDIT_CHECKPOINTS_TOPIC, (r) => {
    try {
      const checkpoint = JSON.parse(r.value.toString('utf8'));
      if (checkpoint?.topic === topic) out.push({ checkpoint, keyId: r.keyId, signature: r.signature });
    } catch {
      /* a checkpoint that is not JSON cannot vouch for anything; verification reports the gap */
    }
  });
  return out;
}

function printReport(report: VerifyReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const p of report.partitions)
    step(
      `partition ${p.partition}: ${p.records} records, offsets ` +
        `${p.firstOffset ?? '-'}..${p.lastOffset ?? '-'}, head ${p.head.slice(0, 16)}…`,
    );
  step(`${report.records} records, ${report.checkpointsChecked} checkpoints checked`);
  for (const pr of report.problems.slice(0, 200))
    step(`PROBLEM ${pr.kind} partition ${pr.partition}${pr.offset ? ` offset ${pr.offset}` : ''}: ${pr.detail}`);
  if (report.problems.length > 200) step(`… and ${report.problems.length - 200} more problems`);
  step(
    report.ok
      ? 'verified: no modified, missing, reordered or forged record'
      : `FAILED: ${report.problems.length} problem(s)`,
  );
}

/** `lekha audit verify`: recompute every chain from the topic (or an export) and check signatures and checkpoints. */
export async function verify(flags: Flags, dataDir: string): Promise<number> {
  const trustedFile =
    (flags['trusted-keys'] as string | undefined) ??
    process.env.AUDIT_TRUSTED_KEYS_FILE ??
    join(dataDir, 'audit-keys', 'trusted-keys.json');
  const trusted = TrustedKeys.fromFile(trustedFile);
  const topic = (flags.topic as string | undefined) ?? AUDIT_EVENTS_TOPIC;
  const json = flags.json === true;
  if (typeof flags['from-file'] === 'string') {
    const lines = createInterface({ input: createReadStream(flags['from-file']) });
    const records: VerifiableRecord[] = [];
    let checkpoints: SignedCheckpoint[] = [];
    for await (const line of lines) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as {
        type?: string;
        partition: number;
        offset: string;
        value: string;
        kid?: string;
        sig?: string;
        rsig?: string;
        proof?: string;
        checkpoint?: SignedCheckpoint['checkpoint'];
      };
      if (row.type === 'checkpoint')
        checkpoints.push({ checkpoint: row.checkpoint!, keyId: row.kid, signature: row.sig });
      else
        records.push({
          partition: row.partition,
          offset: row.offset,
          value: Buffer.from(row.value, 'base64'),
          keyId: row.kid,
          signature: row.sig,
          rootSignature: row.rsig,
          proof: row.proof,
        });
    }
    checkpoints = checkpoints.filter((c) => c.checkpoint.topic === topic);
    const verifier = new ChainVerifier(trusted, checkpoints);
    records.forEach((r) => verifier.add(r));
    const report = verifier.finish();
    printReport(report, json);
    return report.ok ? 0 : 1;
  }
  const kafka = kafkaFrom();
  if (!json) step(`reading checkpoints from ${AUDIT_CHECKPOINTS_TOPIC}`);
  const checkpoints = await readCheckpoints(kafka, topic);
  if (!json) step(`${checkpoints.length} checkpoints; reading ${topic} from the beginning`);
  const verifier = new ChainVerifier(trusted, checkpoints);
  await readTopicToEnd(
    kafka,
    topic,
    (r) => verifier.add(r),
    json
      ? undefined
      : (read, total) => step(`  ${read}/${total} records (${Math.round((100 * read) / Math.max(total, 1))}%)`),
  );
  const report = verifier.finish();
  printReport(report, json);
  return report.ok ? 0 : 1;
}

/** `lekha audit export --out FILE`: the raw topic and its checkpoints, verifiable later with --from-file. */
async function exportRaw(flags: Flags): Promise<number> {
  const out = flags.out;
  if (typeof out !== 'string') throw new Error('usage: lekha audit export --out FILE [--topic T]');
  const topic = (flags.topic as string | undefined) ?? AUDIT_EVENTS_TOPIC;
  const kafka = kafkaFrom();
  const file = createWriteStream(out);
  const write = (line: unknown) =>
    new Promise<void>((res) => (file.write(`${JSON.stringify(line)}\n`) ? res() : file.once('drain', res)));
  for (const c of await readCheckpoints(kafka, topic))
    await write({ type: 'checkpoint', checkpoint: c.checkpoint, kid: c.keyId, sig: c.signature });
  const { total } = await readTopicToEnd(
    kafka,
    topic,
    (r) =>
      write({
        partition: r.partition,
        offset: r.offset,
        value: r.value.toString('base64'),
        kid: r.keyId,
        sig: r.signature,
        rsig: r.rootSignature,
        proof: r.proof,
      }),
    (read, all) => step(`  ${read}/${all} records`),
  );
  await new Promise<void>((res) => file.end(res));
  step(`exported ${total} records of ${topic} to ${out}`);
  return 0;
}

/** `lekha audit tail [--tenant ID] [--action A]`: new audit events as they arrive. */
async function tail(flags: Flags): Promise<number> {
  const kafka = kafkaFrom();
  const consumer = kafka.consumer({
    groupId: `lekha-tail-${process.pid}-${Date.now()}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: flags['from-beginning'] === true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parsed = auditEventV1Schema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
      if (!parsed.success) return;
      const e = parsed.data;
      if (typeof flags.tenant === 'string' && e.tenantId !== flags.tenant) return;
      if (typeof flags.action === 'string' && e.action !== flags.action) return;
      // One access to many resources shows how many it names.
      const resource = e.resource.id ?? (e.resource.ids ? `[${e.resource.ids.length}]` : '*');
      process.stdout.write(
        `${e.occurredAt} ${e.service.padEnd(13)} ${e.outcome.padEnd(7)} ${e.action.padEnd(13)} ` +
          `${e.resource.type}:${resource} actor=${e.actor.type}:${e.actor.id ?? '-'} ` +
          `tenant=${e.tenantId ?? '-'}${e.subjectIds.length ? ` subjects=${e.subjectIds.length}` : ''}\n`,
      );
    },
  });
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await consumer.disconnect();
  return 0;
}

export async function auditCommand(args: string[], dataDir: string): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlags(rest);
  switch (sub) {
    case 'verify':
      return verify(flags, dataDir);
    case 'export':
      return exportRaw(flags);
    case 'tail':
      return tail(flags);
    default:
      process.stderr.write(
        'usage: lekha audit verify [--from-file F] [--topic T] [--trusted-keys F] [--json] | export --out F | ' +
          'tail [--tenant ID] [--action A]\n',
      );
      return 2;
  }
}
