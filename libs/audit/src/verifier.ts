import { auditEventV1Schema } from '@lekha/contracts';
import { GENESIS, checkpointBytes, nextHead, type Checkpoint } from './chain.js';
import type { TrustedKeys } from './signing.js';

export interface VerifiableRecord {
  partition: number;
  offset: string;
  value: Buffer;
  keyId?: string;
  signature?: string;
  rootSignature?: string;
  proof?: string;
}

export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  keyId?: string;
  signature?: string;
}

/**
 * `fork` and `gap` are about the checkpoints themselves: each must start after the end of the one
 * before it on its partition and name that one's head, so one that covers offsets again or names
 * another predecessor forks the chain, and one that starts further on leaves records uncovered
 * (a checkpoint removed from its topic shows so).
 */
export type ProblemKind =
  'modified' | 'injected' | 'removed' | 'reordered' | 'malformed' | 'checkpoint' | 'fork' | 'gap';

export interface Problem {
  kind: ProblemKind;
  partition: number;
  offset?: string;
  detail: string;
}

export interface PartitionReport {
  partition: number;
  records: number;
  firstOffset: string | null;
  lastOffset: string | null;
  head: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  checkpointsChecked: number;
  partitions: PartitionReport[];
  problems: Problem[];
}

interface PartitionState extends PartitionReport {
  expected: bigint | null;
  /** Heads at the offsets checkpoints name (only those are kept: memory stays bounded). */
  headsAt: Map<string, { head: string; count: number }>;
}

/**
 * Recomputes each partition's hash chain from the records, checks every record's signature
 * against the registered services' keys and every checkpoint against the chain. Feed records
 * in the order they were read; call `finish` at the end.
 */
export class ChainVerifier {
  private readonly partitions = new Map<number, PartitionState>();
  private readonly problems: Problem[] = [];
  private readonly wanted = new Map<number, Set<string>>();
  private records = 0;

  constructor(
    private readonly trusted: TrustedKeys,
    private readonly checkpoints: SignedCheckpoint[],
    private readonly checkpointSigner = 'compliance',
  ) {
    for (const { checkpoint } of checkpoints) {
      const set = this.wanted.get(checkpoint.partition) ?? new Set<string>();
      set.add(checkpoint.toOffset);
      this.wanted.set(checkpoint.partition, set);
    }
  }

  private state(partition: number): PartitionState {
    let s = this.partitions.get(partition);
    if (!s) {
      s = {
        partition,
        records: 0,
        firstOffset: null,
        lastOffset: null,
        head: GENESIS,
        expected: null,
        headsAt: new Map(),
      };
      this.partitions.set(partition, s);
    }
    return s;
  }

  add(r: VerifiableRecord): void {
    const s = this.state(r.partition);
    const offset = BigInt(r.offset);
    if (s.expected === null) {
      if (offset > 0n)
        this.problem(
          'removed',
          r.partition,
          r.offset,
          `the partition starts at offset ${r.offset}: records before it are gone`,
        );
    } else if (offset < s.expected) {
      this.problem('reordered', r.partition, r.offset, `offset ${r.offset} comes after ${s.lastOffset}`);
    } else if (offset > s.expected) {
      this.problem('removed', r.partition, r.offset, `offsets ${s.expected}..${offset - 1n} are missing`);
    }
    s.expected = offset + 1n;
    s.firstOffset ??= r.offset;
    s.lastOffset = r.offset;
    s.records++;
    this.records++;
    s.head = nextHead(s.head, r);
    if (this.wanted.get(r.partition)?.has(r.offset)) s.headsAt.set(r.offset, { head: s.head, count: s.records });

    let claimed: string | undefined;
    let json: unknown;
    try {
      json = JSON.parse(r.value.toString('utf8'));
      claimed =
        typeof (json as { service?: unknown }).service === 'string' ? (json as { service: string }).service : undefined;
    } catch {
      json = undefined;
    }
    const issue = this.trusted.checkRecord(r.value, r, claimed);
    if (issue === 'signature does not match the content') this.problem('modified', r.partition, r.offset, issue);
    else if (issue) this.problem('injected', r.partition, r.offset, issue);
    else if (!auditEventV1Schema.safeParse(json).success)
      this.problem('malformed', r.partition, r.offset, 'signed, but not a valid audit event');
  }

  finish(): VerifyReport {
    let checked = 0;
    const previous = new Map<number, Checkpoint>();
    for (const { checkpoint: c, keyId, signature } of this.checkpoints) {
      const sigIssue = this.trusted.check(checkpointBytes(c), keyId, signature, undefined);
      const signer = sigIssue === null ? this.trusted.serviceOf(keyId!) : null;
      if (sigIssue || signer !== this.checkpointSigner) {
        this.problem(
          'checkpoint',
          c.partition,
          c.toOffset,
          `checkpoint not signed by ${this.checkpointSigner}: ${sigIssue ?? `signed by ${signer}`}`,
        );
        continue;
      }
      checked++;
      this.checkLink(previous.get(c.partition), c);
      previous.set(c.partition, c);
      const s = this.partitions.get(c.partition);
      const at = s?.headsAt.get(c.toOffset);
      if (!s || !at) {
        this.problem(
          'removed',
          c.partition,
          c.toOffset,
          `a checkpoint covers offset ${c.toOffset}, which is no longer in the partition`,
        );
      } else if (at.count !== c.count) {
        this.problem(
          at.count < c.count ? 'removed' : 'injected',
          c.partition,
          c.toOffset,
          `the checkpoint counts ${c.count} records up to offset ${c.toOffset}; the partition now has ${at.count}`,
        );
      } else if (at.head !== c.head) {
        this.problem(
          'modified',
          c.partition,
          c.toOffset,
          `the chain up to offset ${c.toOffset} does not match the checkpoint's head`,
        );
      }
    }
    const partitions = [...this.partitions.values()]
      .sort((a, b) => a.partition - b.partition)
      .map(({ partition, records, firstOffset, lastOffset, head }) => ({
        partition,
        records,
        firstOffset,
        lastOffset,
        head,
      }));
    return {
      ok: this.problems.length === 0,
      records: this.records,
      checkpointsChecked: checked,
      partitions,
      problems: this.problems,
    };
  }

  /**
   * A checkpoint follows the one before it in the checkpoint topic. One from offset 0 that names the
   * genesis head starts the chain again, as a compliance index rebuilt from the topic does; its
   * checkpoints are checked against the records like any other.
   */
  private checkLink(before: Checkpoint | undefined, c: Checkpoint): void {
    if (c.fromOffset === '0' && c.previousHead === GENESIS) return;
    const expectedFrom = before ? BigInt(before.toOffset) + 1n : 0n;
    if (before && c.previousHead === before.head && BigInt(c.fromOffset) === expectedFrom) return;
    const range = `${c.fromOffset}..${c.toOffset}`;
    if (BigInt(c.fromOffset) > expectedFrom) {
      const missing = `${expectedFrom}..${BigInt(c.fromOffset) - 1n}`;
      const detail = `offsets ${missing} are in no checkpoint: the checkpoint before ${range} is missing`;
      this.problem('gap', c.partition, c.toOffset, detail);
    } else {
      const after = before ? `the checkpoint of offsets ${before.fromOffset}..${before.toOffset}` : 'the chain start';
      const detail = `the checkpoint of offsets ${range} does not follow ${after}: the checkpoint chain forks`;
      this.problem('fork', c.partition, c.toOffset, detail);
    }
  }

  private problem(kind: ProblemKind, partition: number, offset: string | undefined, detail: string): void {
    this.problems.push({ kind, partition, offset, detail });
  }
}
