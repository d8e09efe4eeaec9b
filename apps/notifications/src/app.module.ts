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
import type { NotificationsConfig } from './config/notifications.config.js';
import { migrations } from './migrations/index.js';
import { ServiceTenantAccess } from './common/service-tenant-access.js';
import { MessageRepository } from './messages/message.repository.js';
import { CustomerErasure } from './reminders/customer-erasure.js';
import { DispatchModule } from './dispatch/dispatch.module.js';
import { MessagingModule } from './messaging.module.js';
import { NotificationsTenantEraser } from './erasure/notifications-tenant-eraser.js';
import { NotificationsRightsHandler } from './rights/notifications-rights-handler.js';

export const SERVICE = 'notifications';

@Module({})
export class AppModule {
  static register(config: NotificationsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config, rpcTimeoutMs: config.NOTIFICATIONS_RPC_TIMEOUT_MS }),
        DataModule.forRoot({ service: SERVICE, schema: 'notifications', config, entities: [], migrations }),
        KeyringModule.forRoot(config),
        EntitlementsModule,
        DispatchModule.register(config.LEKHA_ENV),
        MessagingModule.register(config),
        TenantErasureModule.forService({ eraser: NotificationsTenantEraser }),
        RightsModule.forService({
          service: 'notifications',
          handler: NotificationsRightsHandler,
          providers: [ServiceTenantAccess, MessageRepository, PlatformEvents, CustomerErasure],
        }),
        AccessModule.forRoot({ tenants: true }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.notificationsPing, SERVICE),
        transitKeyHandler(PlatformOps.notificationsTransitKey),
      ],
    };
  }
}
