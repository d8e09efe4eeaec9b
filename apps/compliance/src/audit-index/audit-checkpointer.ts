import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditHeaders, AuditSigner, GENESIS, checkpointBytes, type Checkpoint } from '@lekha/audit';
import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_EVENTS_TOPIC } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { Database } from '@lekha/persistence';
import { AppLogger, InjectConfig } from '@lekha/runtime';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { AuditIndexRepository } from './audit-index.repository.js';

export interface StoredCheckpoint extends Checkpoint {
  keyId: string;
  signature: string;
}

/** A checkpoint that does not follow the one before it on its partition. */
export interface CheckpointLinkProblem {
  /**
   * `fork`: it covers offsets an earlier checkpoint covered, or names another predecessor;
   * `gap`: records before it are in no checkpoint.
   */
  kind: 'fork' | 'gap';
  fromOffset: string;
  toOffset: string;
  detail: string;
}

export interface CheckpointChainStatus {
  checkpoints: number;
  /** The first few problems, in offset order. */
  problems: CheckpointLinkProblem[];
}

const MAX_LINK_PROBLEMS = 20;

/**
 * At a regular interval, for every partition that grew, publishes a signed checkpoint (offset
 * range, count, chain head, previous head) to audit.checkpoints.v1 and keeps it in the database.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly logger: Logger;
  /** The sealed topic and where its checkpoints go (a test gives its own). */
  protected readonly topics = { events: AUDIT_EVENTS_TOPIC, checkpoints: AUDIT_CHECKPOINTS_TOPIC };

  constructor(
    private readonly db: Database,
    private readonly repo: AuditIndexRepository,
    private readonly signer: AuditSigner,
    private readonly publisher: KafkaPublisher,
    @InjectConfig() private readonly config: ComplianceConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.CHECKPOINT_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.checkpointAll();
    } catch (err) {
      this.logger.warn({ error: (err as Error).message }, 'checkpoint not published this round');
    } finally {
      this.busy = false;
    }
  }

  /**
   * Each partition's furthest checkpoint. The order is on the bigint column itself (`c.to_offset`):
   * an unqualified `to_offset` would bind to the text output column and sort "99" after "100".
   */
  async latest(): Promise<StoredCheckpoint[]> {
    const rows = await this.db.em().execute<Record<string, string | number | Date>[]>(
      `select distinct on (c.kafka_partition) c.kafka_partition, c.from_offset::text as from_offset,
         c.to_offset::text as to_offset, c.record_count::text as record_count, c.head, c.previous_head, c.sealed_at,
         c.key_id, c.signature
       from compliance.audit_checkpoints c order by c.kafka_partition, c.to_offset desc, c.id desc`,
    );
    return rows.map((r) => ({
      schema: 'lekha.audit-checkpoint/1',
      topic: this.topics.events,
      partition: Number(r.kafka_partition),
      fromOffset: String(r.from_offset),
      toOffset: String(r.to_offset),
      count: Number(r.record_count),
      head: String(r.head),
      previousHead: String(r.previous_head),
      sealedAt: new Date(r.sealed_at as string).toISOString(),
      keyId: String(r.key_id),
      signature: String(r.signature),
    }));
  }

  /**
   * Checks, in the database, that every partition's checkpoints form one chain: each starts at the
   * offset after the previous one's end and names that one's head (the first: offset 0 and genesis).
   */
  async chainStatus(): Promise<Map<number, CheckpointChainStatus>> {
    const em = this.db.em();
    const counts = await em.execute<{ kafka_partition: number; n: string }[]>(
      `select kafka_partition, count(*)::text as n from compliance.audit_checkpoints group by kafka_partition`,
    );
    const out = new Map<number, CheckpointChainStatus>(
      counts.map((r) => [Number(r.kafka_partition), { checkpoints: Number(r.n), problems: [] }]),
    );
    type Break = {
      kafka_partition: number;
      from_offset: string;
      to_offset: string;
      expected_from: string;
      kind: 'fork' | 'gap';
    };
    const breaks = await em.execute<Break[]>(
      `select kafka_partition, from_offset::text as from_offset, to_offset::text as to_offset,
         expected_from::text as expected_from, case when from_offset > expected_from then 'gap' else 'fork' end as kind
       from (select kafka_partition, from_offset, to_offset, previous_head, id,
               coalesce(lag(to_offset) over w + 1, 0) as expected_from,
               coalesce(lag(head) over w, ?) as expected_previous
             from compliance.audit_checkpoints
             window w as (partition by kafka_partition order by to_offset, id)) t
       where from_offset <> expected_from or previous_head <> expected_previous
       order by t.kafka_partition, t.to_offset, t.id`,
      [GENESIS],
    );
    for (const b of breaks) {
      const status = out.get(Number(b.kafka_partition));
      if (!status || status.problems.length >= MAX_LINK_PROBLEMS) continue;
      status.problems.push({
        kind: b.kind,
        fromOffset: b.from_offset,
        toOffset: b.to_offset,
        detail:
          b.kind === 'gap'
            ? `offsets ${b.expected_from}..${BigInt(b.from_offset) - 1n} are in no checkpoint`
            : `the checkpoint of offsets ${b.from_offset}..${b.to_offset} does not follow the one before it`,
      });
    }
    return out;
  }

  /** One checkpoint per partition that has new sealed records. */
  async checkpointAll(): Promise<number> {
    const previous = new Map((await this.latest()).map((c) => [c.partition, c]));
    let published = 0;
    for (const head of await this.repo.allChainHeads()) {
      const prev = previous.get(head.partition);
      if (prev && BigInt(prev.toOffset) >= BigInt(head.lastOffset)) continue;
      const checkpoint: Checkpoint = {
        schema: 'lekha.audit-checkpoint/1',
        topic: this.topics.events,
        partition: head.partition,
        fromOffset: prev ? String(BigInt(prev.toOffset) + 1n) : '0',
        toOffset: head.lastOffset,
        count: head.count,
        head: head.head,
        previousHead: prev?.head ?? GENESIS,
        sealedAt: new Date().toISOString(),
      };
      const value = checkpointBytes(checkpoint);
      const signature = this.signer.sign(value);
      await this.publisher.send({
        topic: this.topics.checkpoints,
        messages: [
          {
            key: String(head.partition),
            value,
            headers: { [AuditHeaders.keyId]: this.signer.keyId, [AuditHeaders.signature]: signature },
          },
        ],
      });
      await this.db
        .em()
        .execute(
          `insert into compliance.audit_checkpoints (kafka_partition, from_offset, to_offset, record_count, ` +
            `head, previous_head, sealed_at, key_id, signature) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            checkpoint.partition,
            checkpoint.fromOffset,
            checkpoint.toOffset,
            checkpoint.count,
            checkpoint.head,
            checkpoint.previousHead,
            checkpoint.sealedAt,
            this.signer.keyId,
            signature,
          ],
        );
      published++;
    }
    return published;
  }
}
