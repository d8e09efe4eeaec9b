import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NoticeMessenger } from './notice-messenger.js';
import { NotificationsNoticeMessenger } from './notifications-messenger.js';

/** How compliance's features send notices (registers, retention): one messenger to notifications. */
@Global()
@Module({})
export class NoticesModule {
  static register(): DynamicModule {
    return {
      module: NoticesModule,
      providers: [{ provide: NoticeMessenger, useClass: NotificationsNoticeMessenger }],
      exports: [NoticeMessenger],
    };
  }
}
