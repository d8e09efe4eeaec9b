import type { KafkaPublisher } from '@lekha/kafka';
import type { Database } from '@lekha/persistence';

/**
 * One round of a sealed-event outbox (`id`, `tenant_id`, `sealed`, the record already sealed with the bus
 * key when written): publishes up to `limit` rows to `topic` in insertion order, keyed by tenant (one
 * tenant's events stay in order), then deletes exactly what it published — a lower id committed after
 * the select waits for the next round. A crash between publish and delete publishes them again.
 */
export function sealedOutboxRound(opts: {
  db: Database;
  publisher: KafkaPublisher;
  /** Schema-qualified: `identity.event_outbox`. */
  table: string;
  topic: string;
  limit?: number;
}): () => Promise<number> {
  return async () => {
    const rows = await opts.db
      .em()
      .execute<{ id: string; tenant_id: string; sealed: string }[]>(
        `select id::text as id, tenant_id, sealed from ${opts.table} order by id limit ${opts.limit ?? 200}`,
      );
    if (rows.length === 0) return 0;
    await opts.publisher.send({
      topic: opts.topic,
      timeout: 5000,
      messages: rows.map((r) => ({ key: r.tenant_id, value: r.sealed })),
    });
    await opts.db
      .em()
      .execute(`delete from ${opts.table} where id in (${rows.map(() => '?').join(', ')})`, [...rows.map((r) => r.id)]);
    return rows.length;
  };
}
