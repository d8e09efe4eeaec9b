import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { NoticeMessenger } from './notice-messenger.js';
import { MessengerOptions, NotificationsNoticeMessenger } from './notifications-messenger.js';

/** How compliance's features send notices (registers, retention): one messenger to notifications. */
@Global()
@Module({})
export class NoticesModule {
  static register(config: ComplianceConfig): DynamicModule {
    return {
      module: NoticesModule,
      providers: [
        { provide: MessengerOptions, useValue: MessengerOptions.of(config) },
        { provide: NoticeMessenger, useClass: NotificationsNoticeMessenger },
      ],
      exports: [NoticeMessenger, MessengerOptions],
    };
  }
}
