import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { PlatformOps } from '@lekha/contracts';
import { CoreModule, DataModule, OperationsModule, pingHandler } from '@lekha/runtime';
import type { BillingConfig } from './config/billing.config.js';
import { InvoiceIssuer } from './invoices/invoice-issuer.js';
import { InvoiceRepository } from './invoices/invoice.repository.js';
import { InvoiceSeriesRepository } from './invoices/invoice-series.repository.js';
import { migrations } from './migrations/index.js';

export const SERVICE = 'billing';

@Module({})
export class AppModule {
  static register(config: BillingConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({ service: SERVICE, schema: 'billing', config, entities: [], migrations }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.billingPing, SERVICE),
        InvoiceSeriesRepository,
        InvoiceRepository,
        InvoiceIssuer,
      ],
    };
  }
}
