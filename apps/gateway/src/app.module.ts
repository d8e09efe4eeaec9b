import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import type { Logger } from 'pino';
import { CoreModule } from '@lekha/runtime';
import type { GatewayConfig } from './config/gateway.config.js';
import { BusModule } from './bus/bus.module.js';
import { AuthController } from './auth/auth.controller.js';
import { JwtStrategy } from './auth/jwt.strategy.js';
import { LocalStrategy } from './auth/local.strategy.js';
import { PermissionGuard } from './auth/permissions.js';
import { CustomersController } from './customers/customers.controller.js';
import { DocumentsFeatureModule } from './documents/documents.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditTail } from './audit/audit-tail.js';
import { AuditNetworkGuard, AuditNetworkInterceptor, AuditNetworkSealer } from './audit/audit-network.interceptor.js';
import { PlatformController } from './platform/platform.controller.js';
import { TenantController } from './keys/tenant.controller.js';
import { OperationRoutesModule } from './operations/operation-routes.js';
import { GatewayHealthController } from './health/health.controller.js';
import { requestContextMiddleware } from './common/request-context.middleware.js';
import { SecurityModule } from './security/security.module.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { LedgersController } from './ledgers/ledgers.controller.js';
import { InvoicesController } from './billing/invoices.controller.js';
import { RightsRequestsController } from './privacy/rights-requests.controller.js';
import { PublicRightsController } from './privacy/public-rights.controller.js';
import { DataMapController } from './privacy/data-map.controller.js';

export const SERVICE = 'gateway';

@Module({})
export class AppModule implements NestModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        BusModule,
        PassportModule,
        SecurityModule.register(config),
        DocumentsFeatureModule,
        // Last: the routes derived from the operations come after every hand-written one.
        OperationRoutesModule,
      ],
      controllers: [
        AuthController,
        CustomersController,
        AuditController,
        GatewayHealthController,
        TenantController,
        PlatformController,
        WebhooksController,
        LedgersController,
        InvoicesController,
        RightsRequestsController,
        PublicRightsController,
        DataMapController,
      ],
      providers: [
        JwtStrategy,
        LocalStrategy,
        PermissionGuard,
        AuditNetworkSealer,
        AuditTail,
        { provide: APP_GUARD, useClass: AuditNetworkGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditNetworkInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestContextMiddleware).forRoutes('*path');
  }
}
