import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterCommit } from './after-commit.js';
import { Database } from './database.js';

describe('afterCommit', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lekha-after-commit-'));
    db = await Database.open({ schema: 'after_commit', pgliteDir: dir, entities: [], migrations: [] });
    await db.em().execute('create table after_commit.rows (id int primary key)');
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async () =>
    Number((await db.em().execute<{ n: number }[]>('select count(*)::int as n from after_commit.rows'))[0]!.n);

  it('runs once the transaction has committed, when its rows are visible, and once however often asked', async () => {
    const seen: number[] = [];
    const wake = () => void count().then((n) => seen.push(n));
    let calls = 0;
    const counting = () => calls++;
    await db.em().transactional(async (tx) => {
      await tx.execute('insert into after_commit.rows values (1)');
      afterCommit(tx, wake);
      afterCommit(tx, counting);
      afterCommit(tx, counting);
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([]);
      expect(calls).toBe(0);
    });
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1]);
  });

  it('never runs for a transaction rolled back', async () => {
    let calls = 0;
    await expect(
      db.em().transactional(async (tx) => {
        await tx.execute('insert into after_commit.rows values (2)');
        afterCommit(tx, () => calls++);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(0);
    expect(await count()).toBe(1);
  });

  it('inside a savepoint, waits for the outermost transaction to commit', async () => {
    const order: string[] = [];
    await db.em().transactional(async (tx) => {
      await tx.transactional(async (inner) => {
        await inner.execute('insert into after_commit.rows values (3)');
        afterCommit(inner, () => order.push('woken'));
      });
      order.push('savepoint released');
      await tx.transactional(async (inner) => {
        await inner.transactional(async (deeper) => afterCommit(deeper, () => order.push('woken twice-nested')));
      });
      await new Promise((r) => setTimeout(r, 20));
      order.push('committing');
    });
    expect(order).toEqual(['savepoint released', 'committing', 'woken', 'woken twice-nested']);
  });

  it('outside a transaction, runs on the next microtask', async () => {
    let calls = 0;
    afterCommit(db.em(), () => calls++);
    expect(calls).toBe(0);
    await Promise.resolve();
    expect(calls).toBe(1);
  });
});
