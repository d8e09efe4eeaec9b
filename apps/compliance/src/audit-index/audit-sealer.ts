import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditHeaders, GENESIS, TrustedKeys, nextHead, type RecordSeal } from '@lekha/audit';
import { auditEventV1Schema } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { AuditIndexRepository, type ChainHead, type IndexedEvent } from './audit-index.repository.js';

export const TRUSTED_KEYS = Symbol('TRUSTED_KEYS');

export interface RawRecord {
  offset: string;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

function header(h: RawRecord['headers'], name: string): string | undefined {
  const v = h?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

export interface SealResult {
  sealed: number;
  indexed: number;
  rejected: number;
  head: ChainHead;
}

/**
 * Seals records of one partition into its hash chain, in offset order, in one transaction with
 * their index rows, so the chain head and the index never disagree. Every record is chained —
 * forged or malformed ones too, flagged as rejects — because the chain describes the topic as it is.
 */
@Injectable()
export class AuditSealer {
  constructor(
    private readonly db: Database,
    private readonly repo: AuditIndexRepository,
    @Inject(TRUSTED_KEYS) private readonly trusted: TrustedKeys,
  ) {}

  /** After each sealed batch: saves a query per fetched batch. The chain head in the database stays the authority. */
  private readonly expected = new Map<number, bigint>();

  /** The next offset this partition's chain expects, or null before its first record. */
  async nextOffset(partition: number): Promise<bigint | null> {
    const known = this.expected.get(partition);
    if (known !== undefined) return known;
    const rows = await this.db
      .em()
      .execute<{ last_offset: string }[]>(
        `select last_offset::text as last_offset from compliance.audit_chain_heads where kafka_partition = ?`,
        [partition],
      );
    return rows[0] ? BigInt(rows[0].last_offset) + 1n : null;
  }

  async seal(partition: number, records: RawRecord[]): Promise<SealResult> {
    try {
      const result = await this.sealInTransaction(partition, records);
      this.expected.set(partition, BigInt(result.head.lastOffset) + 1n);
      return result;
    } catch (err) {
      this.expected.delete(partition);
      throw err;
    }
  }

  // Partitions seal concurrently: each locks only its own chain head row. (They used to take one
  // global lock so that index sequence numbers became visible in order for seq cursors; cursors
  // are keyset on (occurred_at, event_id) now, so nothing depends on that order any more.)
  private sealInTransaction(partition: number, records: RawRecord[]): Promise<SealResult> {
    return this.db.em().transactional(async (tx) => {
      const head = (await this.repo.chainHead(tx, partition)) ?? {
        partition,
        lastOffset: '-1',
        head: GENESIS,
        count: 0,
      };
      const good: IndexedEvent[] = [];
      let sealed = 0;
      let rejected = 0;
      for (const record of records) {
        if (BigInt(record.offset) <= BigInt(head.lastOffset)) continue; // sealed before a restart
        const value = record.value ?? Buffer.alloc(0);
        const seal: RecordSeal = {
          keyId: header(record.headers, AuditHeaders.keyId),
          signature: header(record.headers, AuditHeaders.signature),
          rootSignature: header(record.headers, AuditHeaders.rootSignature),
          proof: header(record.headers, AuditHeaders.proof),
        };
        head.head = nextHead(head.head, { partition, offset: record.offset, value, ...seal });
        head.lastOffset = record.offset;
        head.count += 1;
        sealed++;
        const verdict = this.judge(value, seal);
        if (verdict.ok) {
          good.push({ event: verdict.event, partition, offset: record.offset, chainHash: head.head });
        } else {
          rejected++;
          await this.repo.reject(
            tx,
            partition,
            record.offset,
            verdict.reason,
            createHash('sha256').update(value).digest('hex'),
            head.head,
          );
        }
      }
      const indexed = await this.repo.insertBatch(tx, good);
      if (sealed > 0) await this.repo.saveChainHead(tx, head);
      return { sealed, indexed, rejected, head };
    });
  }

  private judge(value: Buffer, seal: RecordSeal) {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      return { ok: false as const, reason: 'not JSON' };
    }
    const claimed =
      typeof (json as { service?: unknown })?.service === 'string' ? (json as { service: string }).service : undefined;
    const problem = this.trusted.checkRecord(value, seal, claimed);
    if (problem) return { ok: false as const, reason: problem };
    const parsed = auditEventV1Schema.safeParse(json);
    if (!parsed.success)
      return { ok: false as const, reason: `schema: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return { ok: true as const, event: parsed.data };
  }
}
