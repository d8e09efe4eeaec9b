import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { CoreModule, DataModule, KeyringModule, pingController } from '@lekha/runtime';
import { Rpc } from '@lekha/contracts';
import type { TenantDataConfig } from './config/tenant-data.config.js';
import { CustomersModule } from './customers/customers.module.js';
import { Customer } from './customers/customer.entity.js';
import { migrations } from './migrations/index.js';

export const SERVICE = 'tenant-data';

@Module({})
export class AppModule {
  static register(config: TenantDataConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({ service: SERVICE, schema: 'tenant_data', config, entities: [Customer], migrations }),
        KeyringModule.forRoot(config),
        CustomersModule,
      ],
      controllers: [pingController(Rpc.tenantData.ping, SERVICE)],
    };
  }
}
