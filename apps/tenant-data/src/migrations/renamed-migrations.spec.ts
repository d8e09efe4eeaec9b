import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@lekha/persistence';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';
import { migrations } from './index.js';

/**
 * A database migrated while the migrations had their old names opens with the renamed list
 * without running any of them again (each would fail: its tables exist), and its migrations
 * table then holds the new names. On the run's database: PostgreSQL with TEST_DATABASE_URL (a fresh
 * database, migrated in about a second), otherwise PGlite.
 */
describe('renamed migrations', () => {
  let dir: string;
  let database: TestDatabase;
  const executed = async (db: Database) =>
    (await db.em().execute<{ name: string }[]>(`select name from tenant_data.mikro_orm_migrations order by id`)).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lekha-renamed-migrations-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('are recognised under their former names and not run again', async () => {
    const renamed = migrations.filter((m) => 'formerNames' in m && m.formerNames?.length);
    expect(renamed.length).toBeGreaterThan(0);
    const asBefore = migrations.map((m) => ({
      name: ('formerNames' in m && m.formerNames?.[0]) || m.name,
      class: m.class,
    }));
    const at = { schema: 'tenant_data', url: database.url, pgliteDir: dir, entities: [] };
    const old = await Database.open({ ...at, migrations: asBefore });
    const before = await executed(old);
    await old.close();
    expect(before).toEqual(asBefore.map((m) => m.name));

    const db = await Database.open({ ...at, migrations });
    try {
      expect(await executed(db)).toEqual(migrations.map((m) => m.name));
      expect(await db.orm.migrator.getPending()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
