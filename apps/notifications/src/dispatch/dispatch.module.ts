import { Module, type DynamicModule } from '@nestjs/common';
import { DispatchController } from './dispatch.controller.js';
import { DeliverToDevInboxUseCase } from './deliver-to-dev-inbox.use-case.js';
import { DispatchContentOpener } from './dispatch-content.js';
import { DevInboxCopies } from './dev-inbox-copies.js';
import { NoticeRecipients } from './notice-recipients.js';
import { RecipientIndex } from './recipient-index.js';
import { DevInboxRepository } from '../dev-inbox/dev-inbox.repository.js';
import { ReadDevInboxUseCase } from '../dev-inbox/read-dev-inbox.use-case.js';

/**
 * Platform messages: queued for the providers; outside production also copied to the development
 * inbox (and only there can it be read).
 */
@Module({})
export class DispatchModule {
  static register(env: 'development' | 'test' | 'production'): DynamicModule {
    const devInbox = env !== 'production';
    return {
      module: DispatchModule,
      controllers: [DispatchController],
      providers: [
        { provide: DevInboxCopies, useValue: new DevInboxCopies(devInbox) },
        DispatchContentOpener,
        DeliverToDevInboxUseCase,
        RecipientIndex,
        NoticeRecipients,
        DevInboxRepository,
        ...(devInbox ? [ReadDevInboxUseCase] : []),
      ],
    };
  }
}
