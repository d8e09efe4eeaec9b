import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { PlatformOps } from '@lekha/contracts';
import { AccessModule } from '@lekha/access';
import { PlatformEvents, TenantErasureModule } from '@lekha/erasure';
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
import type { BillingConfig } from './config/billing.config.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { migrations } from './migrations/index.js';
import { LedgersModule } from './ledgers/ledgers.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { SignupTrials } from './subscriptions/signup-trials.js';
import { BillingTenantEraser } from './erasure/billing-tenant-eraser.js';
import { LedgerRepository } from './ledgers/ledger.repository.js';
import { LedgerJournal } from './ledgers/ledger-journal.js';
import { customerInvoiceProviders } from './customer-invoices/customer-invoice-providers.js';
import { BillingRightsHandler } from './rights/billing-rights-handler.js';
import { CustomerPseudonymiser } from './customer-invoices/customer-pseudonymiser.js';

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
        InvoicesModule,
        PaymentsModule,
        LedgersModule,
        SubscriptionsModule,
        TenantErasureModule.forService({
          eraser: BillingTenantEraser,
          observer: SignupTrials,
          providers: [SignupTrials],
          imports: [SubscriptionsModule],
        }),
        RightsModule.forService({
          service: 'billing',
          handler: BillingRightsHandler,
          providers: [PlatformEvents, CustomerPseudonymiser],
        }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.billingPing, SERVICE),
        transitKeyHandler(PlatformOps.billingTransitKey),
        LedgerRepository,
        LedgerJournal,
        ...customerInvoiceProviders,
      ],
    };
  }
}
