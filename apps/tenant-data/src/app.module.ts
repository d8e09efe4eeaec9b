import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  CoreModule,
  DataModule,
  EntitlementsModule,
  KeyringModule,
  OperationsModule,
  RightsModule,
  pingHandler,
  transitKeyHandler,
} from '@lekha/runtime';
import { AccessModule } from '@lekha/access';
import { TenantErasureModule } from '@lekha/erasure';
import { PlatformOps } from '@lekha/contracts';
import type { TenantDataConfig } from './config/tenant-data.config.js';
import { CustomersModule } from './customers/customers.module.js';
import { Customer } from './customers/customer.entity.js';
import { customerChanges } from './customers/customer-change.entity.js';
import { RecordsModule } from './records/records.module.js';
import { KeysModule } from './keys/keys.module.js';
import { RecordType } from './records/record-type.entity.js';
import { BusinessRecord } from './records/business-record.entity.js';
import { recordChanges } from './records/record-change.entity.js';
import { migrations } from './migrations/index.js';
import { DocumentsModule } from './documents/documents.module.js';
import { CustomerDocument } from './documents/document.entity.js';
import { TenantDataEraser } from './erasure/tenant-data-eraser.js';
import { TenantDataEventsModule } from './events/events.module.js';
import { TenantDataRightsHandler } from './rights/tenant-data-rights-handler.js';
import { DocumentRepository } from './documents/document.repository.js';
import { RecordRepository } from './records/record.repository.js';
import { CustomerRepository } from './customers/customer.repository.js';
import { CustomerErasure } from './customers/customer-erasure.js';

export const SERVICE = 'tenant-data';

@Module({})
export class AppModule {
  static register(config: TenantDataConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({
          service: SERVICE,
          schema: 'tenant_data',
          config,
          entities: [
            Customer,
            customerChanges.entity,
            RecordType,
            BusinessRecord,
            recordChanges.entity,
            CustomerDocument,
          ],
          migrations,
        }),
        KeyringModule.forRoot(config),
        EntitlementsModule,
        AccessModule.forRoot({ tenants: true }),
        TenantDataEventsModule,
        CustomersModule,
        RecordsModule,
        DocumentsModule.register(config),
        KeysModule,
        TenantErasureModule.forService({ eraser: TenantDataEraser }),
        RightsModule.forService({
          service: 'tenant-data',
          handler: TenantDataRightsHandler,
          providers: [RecordRepository, DocumentRepository, CustomerRepository, CustomerErasure],
        }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.tenantDataPing, SERVICE),
        transitKeyHandler(PlatformOps.tenantDataTransitKey),
      ],
    };
  }
}
