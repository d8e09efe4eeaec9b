import { Module } from '@nestjs/common';
import { DeferredWork } from './deferred-work.js';
import { NotificationDispatcher } from './notification-dispatcher.js';

const providers = [NotificationDispatcher, DeferredWork];

/** Messages to people (sealed for notifications) and the work done after an answer. */
@Module({ providers, exports: providers })
export class MessagingModule {}
