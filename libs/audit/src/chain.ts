import { createHash } from 'node:crypto';

/** The head of a partition's chain before its first record. */
export const GENESIS = Buffer.alloc(32).toString('hex');

export interface ChainLink {
  partition: number;
  offset: string;
  value: Buffer;
  signature?: string;
  /** Batch-signed records: the root signature and the proof are chained too. */
  rootSignature?: string;
  proof?: string;
}

/**
 * head(n) = SHA-256(head(n-1) | partition | offset | SHA-256(value) | signature [| root signature | proof]).
 * A modified, removed, reordered or inserted record changes every head after it. The bracketed part
 * is present only on batch-signed records, so the heads of older records are unchanged.
 */
export function nextHead(previous: string, link: ChainLink): string {
  const valueHash = createHash('sha256').update(link.value).digest();
  return createHash('sha256')
    .update(Buffer.from(previous, 'hex'))
    .update(`|${link.partition}|${link.offset}|`)
    .update(valueHash)
    .update(`|${link.signature ?? ''}`)
    .update(
      link.rootSignature !== undefined || link.proof !== undefined
        ? `|${link.rootSignature ?? ''}|${link.proof ?? ''}`
        : '',
    )
    .digest('hex');
}

/** What compliance publishes to audit.checkpoints.v1 and keeps in its database. */
export interface Checkpoint {
  schema: 'lekha.audit-checkpoint/1';
  topic: string;
  partition: number;
  /** Offsets covered since the previous checkpoint, inclusive. */
  fromOffset: string;
  toOffset: string;
  /** Records in the partition's chain up to and including toOffset. */
  count: number;
  head: string;
  previousHead: string;
  sealedAt: string;
}

export function checkpointBytes(c: Checkpoint): Buffer {
  return Buffer.from(JSON.stringify(c));
}
