import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { AUDIT_EVENTS_TOPIC, auditEventV1Schema, type AuditEventV1 } from '@lekha/contracts';

/** Reads audit.events.v1 from the beginning until `done` says enough, or the time runs out. */
export async function readAuditTopic(
  brokers: string[],
  done: (events: AuditEventV1[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ events: AuditEventV1[]; raw: string[] }> {
  const kafka = new Kafka({ clientId: 'lekha-test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, allowAutoTopicCreation: false });
  const events: AuditEventV1[] = [];
  const raw: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: true });
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const text = message.value?.toString('utf8') ?? '';
      raw.push(text);
      events.push(auditEventV1Schema.parse(JSON.parse(text)));
      if (done(events)) finish();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return { events, raw };
}
