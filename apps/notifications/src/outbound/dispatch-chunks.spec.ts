import { dispatchChunks, limiter } from './dispatcher.js';

const c = (tenant: string, id: string) => ({ tenant_id: tenant, message_id: id });

describe('dispatch rounds in chunks', () => {
  it('splits a round into chunks of one tenant each, at most `size` messages, in claim order', () => {
    const claimed = [c('a', '1'), c('b', '2'), c('a', '3'), c('a', '4'), c('b', '5'), c('a', '6')];
    expect(dispatchChunks(claimed, 2)).toEqual([
      { tenantId: 'a', messageIds: ['1', '3'] },
      { tenantId: 'b', messageIds: ['2', '5'] },
      { tenantId: 'a', messageIds: ['4', '6'] },
    ]);
    expect(dispatchChunks(claimed, 10)).toEqual([
      { tenantId: 'a', messageIds: ['1', '3', '4', '6'] },
      { tenantId: 'b', messageIds: ['2', '5'] },
    ]);
    expect(dispatchChunks([], 10)).toEqual([]);
  });

  it('runs at most `width` provider calls at once, every call in the end', async () => {
    const limit = limiter(3);
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 5 + (i % 3)));
          running--;
          done.push(i);
          if (i === 4) throw new Error('one call fails');
          return i;
        }).catch(() => -1),
      ),
    );
    expect(most).toBe(3);
    expect(done.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
