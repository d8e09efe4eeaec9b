import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@lekha/persistence';
import { migrations } from './index.js';

/**
 * A database migrated while the migrations had their old names opens with the renamed list
 * without running any of them again (each would fail: its tables exist), and its migrations
 * table then holds the new names.
 */
describe('renamed migrations', () => {
  let dir: string;
  const executed = async (db: Database) =>
    (await db.em().execute<{ name: string }[]>(`select name from tenant_data.mikro_orm_migrations order by id`)).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lekha-renamed-migrations-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are recognised under their former names and not run again', async () => {
    const renamed = migrations.filter((m) => 'formerNames' in m && m.formerNames?.length);
    expect(renamed.length).toBeGreaterThan(0);
    const asBefore = migrations.map((m) => ({
      name: ('formerNames' in m && m.formerNames?.[0]) || m.name,
      class: m.class,
    }));
    const old = await Database.open({ schema: 'tenant_data', pgliteDir: dir, entities: [], migrations: asBefore });
    const before = await executed(old);
    await old.close();
    expect(before).toEqual(asBefore.map((m) => m.name));

    const db = await Database.open({ schema: 'tenant_data', pgliteDir: dir, entities: [], migrations });
    try {
      expect(await executed(db)).toEqual(migrations.map((m) => m.name));
      expect(await db.orm.migrator.getPending()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
