import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** undefined means: the services use embedded PGlite. */
  url: string | undefined;
  kind: 'postgresql' | 'pglite';
  drop(): Promise<void>;
}

/** Where a suite that needs PostgreSQL whatever the run's database finds it when no URL is given. */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * With TEST_DATABASE_URL (or DATABASE_URL) pointing at a PostgreSQL server, a fresh database is
 * created for the suite and dropped afterwards; otherwise the services use PGlite — unless the
 * suite needs PostgreSQL (`kind: 'postgresql'`, e.g. several instances sharing one database): then
 * the local server is used, and a clear error says so when it cannot be reached.
 */
export async function createTestDatabase(kind?: 'postgresql'): Promise<TestDatabase> {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!given && kind !== 'postgresql') return { url: undefined, kind: 'pglite', drop: async () => undefined };
  const base = given ?? LOCAL_POSTGRES_URL;
  const name = `lekha_it_${randomBytes(6).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch((err: Error) => {
    const from = given ? 'from TEST_DATABASE_URL/DATABASE_URL' : 'this suite needs PostgreSQL; set TEST_DATABASE_URL';
    throw new Error(`cannot reach PostgreSQL at ${admin.host} (${from}): ${err.message}`);
  });
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgresql',
    drop: () => dropTestDatabase(url.toString()),
  };
}

/** Drops a database made by createTestDatabase (by its URL). */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^lekha_it_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  url.pathname = '/postgres';
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
}
