import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { hasPermission, type RequestContext } from '@lekha/tenancy';
import { AuditIndexRepository } from '../audit-index.repository.js';
import { AuditCheckpointer, type CheckpointChainStatus } from '../audit-checkpointer.js';

export interface PartitionStatus {
  partition: number;
  records: number;
  lastOffset: string;
  head: string;
  checkpoint: { toOffset: string; count: number; head: string; sealedAt: string; matchesChain: boolean } | null;
  /** Whether the partition's checkpoints link up: none forks the chain, none leaves a gap. */
  checkpointChain: CheckpointChainStatus;
}

/** Chain status per partition, the latest checkpoint and the checkpoints' linkage, for the platform compliance team. */
@Injectable()
export class AuditStatusUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly repo: AuditIndexRepository,
    private readonly checkpointer: AuditCheckpointer,
  ) {}

  async execute(ctx: RequestContext): Promise<{ ok: boolean; rejectedRecords: number; partitions: PartitionStatus[] }> {
    const allowed = hasPermission(ctx.roles, 'audit:read:platform');
    await this.db.em().transactional((tx) =>
      this.audit.record(tx, {
        action: 'read',
        resource: { type: 'audit_chain', id: null },
        outcome: allowed ? 'allowed' : 'denied',
        ...(allowed ? {} : { reason: 'forbidden' }),
      }),
    );
    if (!allowed) throw new DomainError('FORBIDDEN', 'only the platform compliance role may read the chain status');
    const checkpoints = new Map((await this.checkpointer.latest()).map((c) => [c.partition, c]));
    const chains = await this.checkpointer.chainStatus();
    const partitions: PartitionStatus[] = [];
    for (const head of await this.repo.allChainHeads()) {
      const c = checkpoints.get(head.partition);
      let matchesChain = false;
      if (c) {
        const rows = await this.db.em().execute<{ chain_hash: string }[]>(
          `select chain_hash from compliance.audit_events where kafka_partition = ? and kafka_offset = ?
           union all select chain_hash from compliance.audit_rejects where kafka_partition = ? and kafka_offset = ?`,
          [head.partition, c.toOffset, head.partition, c.toOffset],
        );
        // A redelivered duplicate is not indexed twice, so a checkpoint on it is confirmed by the head alone.
        matchesChain = rows.length
          ? rows.some((r) => r.chain_hash === c.head)
          : c.toOffset === head.lastOffset && c.head === head.head;
      }
      partitions.push({
        partition: head.partition,
        records: head.count,
        lastOffset: head.lastOffset,
        head: head.head,
        checkpoint: c
          ? { toOffset: c.toOffset, count: c.count, head: c.head, sealedAt: c.sealedAt, matchesChain }
          : null,
        checkpointChain: chains.get(head.partition) ?? { checkpoints: 0, problems: [] },
      });
    }
    const rejectedRecords = await this.repo.rejectCount();
    const ok =
      rejectedRecords === 0 &&
      partitions.every((p) => (!p.checkpoint || p.checkpoint.matchesChain) && p.checkpointChain.problems.length === 0);
    return { ok, rejectedRecords, partitions };
  }
}
