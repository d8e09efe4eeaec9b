import { AuditOps } from '@lekha/contracts';
import { PlatformAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
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

type Op = typeof AuditOps.status;

/** Chain status per partition, the latest checkpoint and the checkpoints' linkage, for the platform compliance team. */
@Handles(AuditOps.status)
export class AuditStatusUseCase implements UseCase<Op> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: AuditIndexRepository,
    private readonly checkpointer: AuditCheckpointer,
  ) {}

  async execute(
    scope: OperationScope<Op>,
  ): Promise<{ ok: boolean; rejectedRecords: number; partitions: PartitionStatus[] }> {
    await this.access.record(scope, {});
    const checkpoints = new Map((await this.checkpointer.latest()).map((c) => [c.partition, c]));
    const chains = await this.checkpointer.chainStatus();
    const partitions: PartitionStatus[] = [];
    for (const head of await this.repo.allChainHeads()) {
      const c = checkpoints.get(head.partition);
      let matchesChain = false;
      if (c) {
        const hashes = await this.repo.chainHashesAt(head.partition, c.toOffset);
        // A redelivered duplicate is not indexed twice, so a checkpoint on it is confirmed by the head alone.
        matchesChain = hashes.length ? hashes.includes(c.head) : c.toOffset === head.lastOffset && c.head === head.head;
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
