import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { Rpc } from '@lekha/contracts';
import { CoreModule, DataModule, KeyringModule, pingController, transitKeyController } from '@lekha/runtime';
import { TenantErasureModule } from '@lekha/erasure';
import type { NotificationsConfig } from './config/notifications.config.js';
import { migrations } from './migrations/index.js';
import { DispatchModule } from './dispatch/dispatch.module.js';
import { NotificationsTenantEraser } from './erasure/notifications-tenant-eraser.js';

export const SERVICE = 'notifications';

@Module({})
export class AppModule {
  static register(config: NotificationsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({ service: SERVICE, schema: 'notifications', config, entities: [], migrations }),
        KeyringModule.forRoot(config),
        DispatchModule.register(config.LEKHA_ENV),
        TenantErasureModule.forService({ eraser: NotificationsTenantEraser }),
      ],
      controllers: [
        pingController(Rpc.notifications.ping, SERVICE),
        transitKeyController(Rpc.notifications.transitKey),
      ],
    };
  }
}
