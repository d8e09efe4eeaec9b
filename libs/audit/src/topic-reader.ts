import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { AuditHeaders } from './signing.js';
import type { VerifiableRecord } from './verifier.js';

const text = (v: Buffer | string | (Buffer | string)[] | undefined) => {
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
};

/**
 * Reads every record of a topic as it stands now (up to each partition's high watermark), in
 * offset order per partition, without committing anything. Memory stays bounded: records are
 * handed over one by one.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onRecord: (r: VerifiableRecord) => void | Promise<void>,
  onProgress?: (read: number, total: number) => void,
): Promise<{ total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map<number, bigint>();
  let total = 0;
  for (const o of offsets) {
    const high = BigInt(o.high);
    const low = BigInt(o.low);
    if (high > low) {
      remaining.set(o.partition, high);
      total += Number(high - low);
    }
  }
  if (remaining.size === 0) return { total: 0 };
  const consumer = kafka.consumer({
    groupId: `lekha-reader-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  let read = 0;
  let lastProgress = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const high = remaining.get(batch.partition);
            if (high === undefined) return;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= high) break;
              await onRecord({
                partition: batch.partition,
                offset: m.offset,
                value: m.value ?? Buffer.alloc(0),
                keyId: text(m.headers?.[AuditHeaders.keyId]),
                signature: text(m.headers?.[AuditHeaders.signature]),
                rootSignature: text(m.headers?.[AuditHeaders.rootSignature]),
                proof: text(m.headers?.[AuditHeaders.proof]),
              });
              read++;
              if (BigInt(m.offset) === high - 1n) remaining.delete(batch.partition);
            }
            if (onProgress && (read - lastProgress >= 5000 || remaining.size === 0)) {
              lastProgress = read;
              onProgress(read, total);
            }
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { total };
}
