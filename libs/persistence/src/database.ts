import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { AfterCommitSubscriber } from './after-commit.js';
import { seedPgliteDir } from './pglite-template.js';

/**
 * A migration in a service's list. `formerNames` are names it was recorded under before it was
 * renamed: a database that ran it under one of them is not migrated again.
 */
export type NamedMigration = MigrationObject & { formerNames?: readonly string[] };

export interface DatabaseOptions {
  /** The owning service's PostgreSQL schema, e.g. `tenant_data`. */
  schema: string;
  /** postgres://… — when absent the embedded PGlite database under `pgliteDir` is used. */
  url?: string;
  pgliteDir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas are heterogeneous by nature
  entities: EntitySchema<any>[];
  migrations: NamedMigration[];
  poolMax?: number;
  /** Where MikroORM's own messages (migrations applied, ...) go. */
  log?: (message: string) => void;
}

export type Em = SqlEntityManager;

/** One service's database: MikroORM on PostgreSQL or PGlite, migrated on open. */
export class Database {
  readonly kind: 'postgresql' | 'pglite';
  private constructor(
    readonly orm: PgMikroORM | PgliteMikroORM,
    kind: 'postgresql' | 'pglite',
    readonly schema: string,
  ) {
    this.kind = kind;
  }

  static async open(opts: DatabaseOptions): Promise<Database> {
    const common = {
      entities: opts.entities,
      schema: opts.schema,
      extensions: [Migrator],
      migrations: {
        migrationsList: opts.migrations,
        tableName: `${opts.schema}.mikro_orm_migrations`,
        transactional: true,
        allOrNothing: true,
        snapshot: false,
      },
      discovery: { warnWhenNoEntities: false },
      // `afterCommit` (outbox relays woken once their rows are visible).
      subscribers: [new AfterCommitSubscriber()],
      allowGlobalContext: false,
      debug: false,
      logger: opts.log ?? (() => undefined),
    };
    let db: Database;
    if (opts.url) {
      const orm = await PgMikroORM.init({ ...common, clientUrl: opts.url, pool: { min: 0, max: opts.poolMax ?? 10 } });
      db = new Database(orm, 'postgresql', opts.schema);
    } else {
      await mkdir(opts.pgliteDir, { recursive: true });
      await seedPgliteDir(opts.pgliteDir);
      const orm = await PgliteMikroORM.init({ ...common, dbName: opts.pgliteDir });
      db = new Database(orm, 'pglite', opts.schema);
    }
    await db.em().execute(`create schema if not exists "${opts.schema}"`);
    await renameExecutedMigrations(db, opts.migrations);
    await db.orm.migrator.up();
    return db;
  }

  /** A fresh unit of work; never share one across requests. */
  em(): Em {
    return this.orm.em.fork() as unknown as Em;
  }

  async ping(): Promise<void> {
    await this.em().execute('select 1');
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}

/**
 * MikroORM knows a migration as done by the name in its table (`<schema>.mikro_orm_migrations`):
 * before migrating, rows recorded under a migration's former name take its current one.
 */
async function renameExecutedMigrations(db: Database, migrations: NamedMigration[]): Promise<void> {
  const renames = migrations.flatMap((m) => (m.formerNames ?? []).map((former) => [former, m.name] as const));
  if (renames.length === 0) return;
  const table = `"${db.schema}".mikro_orm_migrations`;
  await db.em().transactional(async (tx) => {
    const [found] = await tx.execute<{ exists: boolean }[]>(`select to_regclass(?) is not null as exists`, [
      `${db.schema}.mikro_orm_migrations`,
    ]);
    if (!found?.exists) return;
    for (const [former, name] of renames) {
      await tx.execute(`update ${table} set name = ? where name = ?`, [name, former]);
    }
  });
}

export function pgliteDirFor(dataDir: string, service: string): string {
  return join(dataDir, service, 'pglite');
}
