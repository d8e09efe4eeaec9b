import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** undefined means: the services use embedded PGlite. */
  url: string | undefined;
  kind: 'postgresql' | 'pglite';
  drop(): Promise<void>;
}

/**
 * With TEST_DATABASE_URL (or DATABASE_URL) pointing at a PostgreSQL server, a fresh database is
 * created for the suite and dropped afterwards; otherwise the services use PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) return { url: undefined, kind: 'pglite', drop: async () => undefined };
  const name = `lekha_it_${randomBytes(6).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch((err: Error) => {
    throw new Error(`cannot reach PostgreSQL at ${admin.host} (from TEST_DATABASE_URL/DATABASE_URL): ${err.message}`);
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
