import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { loadMasterKey } from './master-key.js';
import { SqlWrappedKeyStore } from './sql-wrapped-key.store.js';

export const MASTER_KEY = Symbol('MASTER_KEY');

/** Migration SQL for the wrapped per-tenant data keys of a service. */
export function tenantKeysSql(schema: string): string[] {
  return [
    `create table "${schema}".tenant_keys (tenant_id uuid primary key, wrapped bytea not null, created_at ` +
      `timestamptz not null default now())`,
  ];
}

/** Migration SQL: when a tenant's keyset was destroyed (its row stays as a tombstone with an empty value). */
export function tenantKeysTombstoneSql(schema: string): string[] {
  return [`alter table "${schema}".tenant_keys add column destroyed_at timestamptz`];
}

/** The master key (from config) and the per-tenant keyring over the service's `tenant_keys` table. */
@Global()
@Module({})
export class KeyringModule {
  static forRoot(config: {
    LEKHA_MASTER_KEY?: string;
    LEKHA_MASTER_KEY_FILE?: string;
    LEKHA_MASTER_KEY_PREVIOUS_FILES?: string;
    KEY_CACHE_TTL_MS?: number;
  }): DynamicModule {
    const masterKey = loadMasterKey(config);
    const previousMasterKeys = (config.LEKHA_MASTER_KEY_PREVIOUS_FILES ?? '')
      .split(',')
      .filter(Boolean)
      .map((file) => loadMasterKey({ LEKHA_MASTER_KEY_FILE: file.trim() }, 'LEKHA_MASTER_KEY_PREVIOUS_FILES'));
    const options = { previousMasterKeys, cacheTtlMs: config.KEY_CACHE_TTL_MS ?? 60_000 };
    return {
      module: KeyringModule,
      providers: [
        { provide: MASTER_KEY, useValue: masterKey },
        {
          provide: TenantKeyring,
          inject: [Database],
          useFactory: (db: Database) => new TenantKeyring(masterKey, new SqlWrappedKeyStore(db), options),
        },
      ],
      exports: [MASTER_KEY, TenantKeyring],
    };
  }
}
