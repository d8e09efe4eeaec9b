import { createHash } from 'node:crypto';

/**
 * Merkle trees over a relay batch, so one Ed25519 signature covers many records while each record
 * stays verifiable on its own (leaf + proof + the batch root's signature). Leaves and inner nodes
 * are hashed with different prefixes (0x00 / 0x01, as RFC 6962), so a node can never pass for a
 * leaf; a lone node at the end of a level is promoted unchanged.
 */
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const LEAF_TAG = Buffer.from('lekha.audit-leaf/1\0');

/** The leaf of one record: its key id (which service signed) and its exact value bytes. */
export function leafHash(keyId: string, value: Buffer): Buffer {
  return createHash('sha256').update(LEAF).update(LEAF_TAG).update(`${keyId}\0`).update(value).digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The root over `leaves` and, for each leaf, its sibling path from the bottom up. */
export function merkleTree(leaves: Buffer[]): { root: Buffer; proofs: Buffer[][] } {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  const proofs: Buffer[][] = leaves.map(() => []);
  // Which original leaves sit under each node of the current level.
  let level = leaves;
  let members: number[][] = leaves.map((_, i) => [i]);
  while (level.length > 1) {
    const next: Buffer[] = [];
    const nextMembers: number[][] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) {
        next.push(level[i]!);
        nextMembers.push(members[i]!);
        continue;
      }
      for (const leaf of members[i]!) proofs[leaf]!.push(level[i + 1]!);
      for (const leaf of members[i + 1]!) proofs[leaf]!.push(level[i]!);
      next.push(nodeHash(level[i]!, level[i + 1]!));
      nextMembers.push([...members[i]!, ...members[i + 1]!]);
    }
    level = next;
    members = nextMembers;
  }
  return { root: level[0]!, proofs };
}

/**
 * Recomputes the root from a leaf, its index among `count` leaves and its sibling path; null if the path does not fit.
 */
export function rootFromProof(leaf: Buffer, index: number, count: number, path: Buffer[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 0 || index >= count) return null;
  let node = leaf;
  let i = index;
  let n = count;
  let k = 0;
  while (n > 1) {
    if (i % 2 === 1) {
      const sibling = path[k++];
      if (!sibling) return null;
      node = nodeHash(sibling, node);
    } else if (i + 1 < n) {
      const sibling = path[k++];
      if (!sibling) return null;
      node = nodeHash(node, sibling);
    }
    i = Math.floor(i / 2);
    n = Math.ceil(n / 2);
  }
  return k === path.length ? node : null;
}

/** `index.count.sibling1.sibling2…` (siblings base64url): what travels in the lekha-proof header. */
export function encodeProof(index: number, count: number, path: Buffer[]): string {
  return [String(index), String(count), ...path.map((p) => p.toString('base64url'))].join('.');
}

export function decodeProof(text: string): { index: number; count: number; path: Buffer[] } | null {
  const [index, count, ...path] = text.split('.');
  if (!index || !count || !/^\d{1,9}$/.test(index) || !/^\d{1,9}$/.test(count)) return null;
  const siblings = path.map((p) => Buffer.from(p, 'base64url'));
  if (siblings.some((s) => s.length !== 32) || siblings.length > 40) return null;
  return { index: Number(index), count: Number(count), path: siblings };
}

/** The bytes a batch root's signature covers: a domain tag, the leaf count and the root. */
export function rootMessage(count: number, root: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`lekha.audit-root/1\0${count}\0`), root]);
}
