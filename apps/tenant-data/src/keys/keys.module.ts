import { Global, Module } from '@nestjs/common';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { MASTER_KEY } from '../config/tokens.js';
import { SqlWrappedKeyStore } from './sql-wrapped-key.store.js';

@Global()
@Module({
  providers: [
    {
      provide: TenantKeyring,
      inject: [MASTER_KEY, Database],
      useFactory: (masterKey: Buffer, db: Database) => new TenantKeyring(masterKey, new SqlWrappedKeyStore(db)),
    },
  ],
  exports: [TenantKeyring],
})
export class KeysModule {}
