import type { Producer, ProducerBatch } from 'kafkajs';
import { Semaphore, SendBatcher } from './send-batcher.js';

/** Records what would go to the broker: this tests the batching, not Kafka. */
function recordingProducer(fail = false) {
  const batches: ProducerBatch[] = [];
  const producer = {
    sendBatch: async (batch: ProducerBatch) => {
      batches.push(batch);
      if (fail) throw new Error('broker down');
      return [];
    },
  } as unknown as Producer;
  return { producer, batches };
}

describe('SendBatcher', () => {
  it('sends everything handed to it in one event-loop turn in one produce request', async () => {
    const { producer, batches } = recordingProducer();
    const batcher = new SendBatcher(producer);
    await Promise.all([
      batcher.send('rpc.identity.v1', { value: '1' }),
      batcher.send('rpc.tenant-data.v1', { value: '2' }),
      batcher.send('rpc.identity.v1', { value: '3' }),
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.acks).toBe(-1);
    expect(batches[0]!.topicMessages).toEqual([
      { topic: 'rpc.identity.v1', messages: [{ value: '1' }, { value: '3' }] },
      { topic: 'rpc.tenant-data.v1', messages: [{ value: '2' }] },
    ]);
    await batcher.send('rpc.identity.v1', { value: '4' });
    expect(batches).toHaveLength(2);
  });

  it('fails every send of a batch the broker refused', async () => {
    const batcher = new SendBatcher(recordingProducer(true).producer);
    const sends = [batcher.send('t', { value: 'a' }), batcher.send('t', { value: 'b' })];
    for (const s of sends) await expect(s).rejects.toThrow('broker down');
  });
});

describe('Semaphore', () => {
  it('lets at most `size` holders in and the next waiter in when one leaves', async () => {
    const slots = new Semaphore(2);
    await slots.acquire();
    await slots.acquire();
    let third = false;
    const waiting = slots.acquire().then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(slots.inUse).toBe(2);
    slots.release();
    await waiting;
    expect(third).toBe(true);
    expect(slots.inUse).toBe(2);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});
