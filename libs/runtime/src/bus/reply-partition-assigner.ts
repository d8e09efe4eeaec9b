import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const ONE_PARTITION_EACH = 'lekha-one-partition-each';

/**
 * Gives every member of the callers' group exactly one partition of `topic`, each a different one,
 * and lets a member keep the partition it holds when others join or leave (its current partition
 * rides in its join metadata), so replies on their way to it are not moved to another process.
 * Members beyond the partition count get none (and must not call).
 */
export function onePartitionEach(topic: string, current: () => number): PartitionAssigner {
  return ({ cluster }) => ({
    name: ONE_PARTITION_EACH,
    version: 1,
    protocol: ({ topics }) => ({
      name: ONE_PARTITION_EACH,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.from(String(current()), 'utf8'),
      }),
    }),
    async assign({ members }) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((m) => m.partitionId)
        .sort((a, b) => a - b);
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const owner = new Map<string, number>();
      const taken = new Set<number>();
      for (const member of sorted) {
        const held = Number(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData?.toString('utf8'));
        if (partitions.includes(held) && !taken.has(held)) {
          taken.add(held);
          owner.set(member.memberId, held);
        }
      }
      const free = partitions.filter((p) => !taken.has(p));
      for (const member of sorted) {
        if (owner.has(member.memberId)) continue;
        const next = free.shift();
        if (next !== undefined) owner.set(member.memberId, next);
      }
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: owner.has(memberId) ? { [topic]: [owner.get(memberId)!] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
