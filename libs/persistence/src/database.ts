import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import type { SqlEntityManager } from '@mikro-orm/sql';

export interface DatabaseOptions {
  /** The owning service's PostgreSQL schema, e.g. `tenant_data`. */
  schema: string;
  /** postgres://… — when absent the embedded PGlite database under `pgliteDir` is used. */
  url?: string;
  pgliteDir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas are heterogeneous by nature
  entities: EntitySchema<any>[];
  migrations: MigrationObject[];
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
      const orm = await PgliteMikroORM.init({ ...common, dbName: opts.pgliteDir });
      db = new Database(orm, 'pglite', opts.schema);
    }
    await db.em().execute(`create schema if not exists "${opts.schema}"`);
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

export function pgliteDirFor(dataDir: string, service: string): string {
  return join(dataDir, service, 'pglite');
}
