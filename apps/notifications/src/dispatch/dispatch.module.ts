import { Module, type DynamicModule } from '@nestjs/common';
import { DispatchController } from './dispatch.controller.js';
import { DeliverToDevInboxUseCase } from './deliver-to-dev-inbox.use-case.js';
import { RecipientIndex } from './recipient-index.js';
import { DevInboxRepository } from '../dev-inbox/dev-inbox.repository.js';
import { ReadDevInboxUseCase } from '../dev-inbox/read-dev-inbox.use-case.js';

/** Delivery of dispatched messages; reading the inbox exists only outside production. */
@Module({})
export class DispatchModule {
  static register(env: 'development' | 'test' | 'production'): DynamicModule {
    const devInbox = env !== 'production';
    return {
      module: DispatchModule,
      controllers: [DispatchController],
      providers: [
        DeliverToDevInboxUseCase,
        RecipientIndex,
        DevInboxRepository,
        ...(devInbox ? [ReadDevInboxUseCase] : []),
      ],
    };
  }
}
