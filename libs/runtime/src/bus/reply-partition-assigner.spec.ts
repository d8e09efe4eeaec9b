import { AssignerProtocol, type Cluster, type GroupMember } from 'kafkajs';
import { onePartitionEach } from './reply-partition-assigner.js';

const TOPIC = 'rpc.replies.v1';
/** Only what the assigner reads of the cluster: the topic's partitions. */
const cluster = (partitions: number) =>
  ({
    findTopicPartitionMetadata: () => Array.from({ length: partitions }, (_, partitionId) => ({ partitionId })),
  }) as unknown as Cluster;

const member = (memberId: string, held: number): GroupMember => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({
    version: 1,
    topics: [TOPIC],
    userData: Buffer.from(String(held)),
  }),
});

async function assign(partitions: number, members: GroupMember[]): Promise<Record<string, number[]>> {
  const assigner = onePartitionEach(
    TOPIC,
    () => -1,
  )({ cluster: cluster(partitions), groupId: 'g', logger: null as never });
  const result = await assigner.assign({ members, topics: [TOPIC] });
  return Object.fromEntries(
    result.map((r) => [
      r.memberId,
      AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment[TOPIC] ?? [],
    ]),
  );
}

describe('onePartitionEach', () => {
  it('gives every member exactly one partition, no two the same', async () => {
    const got = await assign(
      32,
      ['a', 'b', 'c', 'd'].map((id) => member(id, -1)),
    );
    expect(Object.values(got).map((p) => p.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(Object.values(got).flat()).size).toBe(4);
  });

  it('lets members keep the partitions they hold when another joins', async () => {
    const got = await assign(32, [member('b', 7), member('a', 3), member('c', -1)]);
    expect(got.a).toEqual([3]);
    expect(got.b).toEqual([7]);
    expect(got.c).toHaveLength(1);
    expect([3, 7]).not.toContain(got.c![0]);
  });

  it('gives a partition two members claim to one of them only, and none to members beyond the partitions', async () => {
    const claimed = await assign(4, [member('a', 2), member('b', 2)]);
    expect(new Set([...claimed.a!, ...claimed.b!]).size).toBe(2);
    const crowded = await assign(
      2,
      ['a', 'b', 'c'].map((id) => member(id, -1)),
    );
    expect(Object.values(crowded).flat().sort()).toEqual([0, 1]);
    expect(Object.values(crowded).filter((p) => p.length === 0)).toHaveLength(1);
  });

  it('announces the partition the member holds in its join metadata', () => {
    const assigner = onePartitionEach(TOPIC, () => 5)({ cluster: cluster(32), groupId: 'g', logger: null as never });
    const { metadata } = assigner.protocol({ topics: [TOPIC] });
    expect(AssignerProtocol.MemberMetadata.decode(metadata)!.userData.toString()).toBe('5');
  });
});
