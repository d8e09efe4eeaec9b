import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { PlatformOps } from '@lekha/contracts';
import { AccessModule } from '@lekha/access';
import { TenantErasureModule } from '@lekha/erasure';
import {
  CoreModule,
  DataModule,
  EntitlementsModule,
  KeyringModule,
  OperationsModule,
  pingHandler,
  transitKeyHandler,
} from '@lekha/runtime';
import type { BillingConfig } from './config/billing.config.js';
import { InvoiceIssuer } from './invoices/invoice-issuer.js';
import { InvoiceRepository } from './invoices/invoice.repository.js';
import { InvoiceSeriesRepository } from './invoices/invoice-series.repository.js';
import { PlatformSupplier } from './invoices/platform-supplier.js';
import { ListInvoicesUseCase } from './invoices/use-cases/list-invoices.use-case.js';
import { GetInvoiceUseCase } from './invoices/use-cases/get-invoice.use-case.js';
import { IssueInvoiceUseCase } from './invoices/use-cases/issue-invoice.use-case.js';
import { RenderInvoiceUseCase } from './invoices/use-cases/render-invoice.use-case.js';
import { migrations } from './migrations/index.js';
import { LedgersModule } from './ledgers/ledgers.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { BillingTenantEraser } from './erasure/billing-tenant-eraser.js';

export const SERVICE = 'billing';

@Module({})
export class AppModule {
  static register(config: BillingConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({ service: SERVICE, schema: 'billing', config, entities: [], migrations }),
        KeyringModule.forRoot(config),
        EntitlementsModule,
        AccessModule.forRoot({ tenants: true }),
        LedgersModule,
        SubscriptionsModule,
        TenantErasureModule.forService({ eraser: BillingTenantEraser }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.billingPing, SERVICE),
        transitKeyHandler(PlatformOps.billingTransitKey),
        InvoiceSeriesRepository,
        InvoiceRepository,
        InvoiceIssuer,
        PlatformSupplier,
        ListInvoicesUseCase,
        GetInvoiceUseCase,
        IssueInvoiceUseCase,
        RenderInvoiceUseCase,
      ],
    };
  }
}
