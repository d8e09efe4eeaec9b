import { Module, type DynamicModule } from '@nestjs/common';
import { ConsentEvents } from '@lekha/runtime';
import type { NotificationsConfig } from './config/notifications.config.js';
import { Clock } from './common/clock.js';
import { ServiceTenantAccess } from './common/service-tenant-access.js';
import { ApplyConsentChange, ConsentChanges } from './consent/consent-changes.js';
import { ConsentPort, ConsentViewPort } from './consent/consent.port.js';
import { RecipientPreferencesRepository } from './consent/recipient-preferences.repository.js';
import { RecordConsentUseCase } from './consent/record-consent.use-case.js';
import { RecordOptOutUseCase } from './consent/record-opt-out.use-case.js';
import { RecipientRouteIndex } from './outbound/recipient-route-index.js';
import { GetMessageUseCase } from './messages/get-message.use-case.js';
import { MessageStatusesUseCase } from './messages/message-statuses.use-case.js';
import { IdempotencyRepository } from './messages/idempotency.repository.js';
import { ListMessagesUseCase } from './messages/list-messages.use-case.js';
import { MessageRepository } from './messages/message.repository.js';
import { MessageAcceptance } from './messages/message-acceptance.js';
import { SendMessageBatchUseCase } from './messages/send-message-batch.use-case.js';
import { SendMessageUseCase } from './messages/send-message.use-case.js';
import { MessageQuota } from './messages/message-quota.js';
import { UsageReporter } from './outbound/usage-reporter.js';
import { DispatchOptions } from './outbound/dispatch-options.js';
import { DispatchQueueRepository } from './outbound/dispatch-queue.repository.js';
import { Dispatcher } from './outbound/dispatcher.js';
import { ProviderRefsRepository } from './outbound/provider-refs.repository.js';
import { ProviderRegistry } from './outbound/provider-registry.js';
import { platformProviders } from './outbound/platform-providers.js';
import { TenantProviders } from './outbound/tenant-providers.js';
import { ReceiveWebhookUseCase } from './webhooks/receive-webhook.use-case.js';
import { PlatformSmsSettings } from './outbound/platform-messages.js';
import { QueuePlatformMessageUseCase } from './dispatch/queue-platform-message.use-case.js';
import { ApplyInboundUseCase } from './receipts/apply-inbound.use-case.js';
import { ApplyReceiptUseCase } from './receipts/apply-receipt.use-case.js';
import { ReceiptDedupKeys } from './receipts/receipt-dedup-keys.js';
import { GetSettingsUseCase } from './settings/get-settings.use-case.js';
import { PutSettingsUseCase } from './settings/put-settings.use-case.js';
import { SettingsRepository } from './settings/settings.repository.js';
import { ListTemplatesUseCase } from './templates/list-templates.use-case.js';
import { RegisterTemplateUseCase } from './templates/register-template.use-case.js';
import { TemplateRepository } from './templates/template.repository.js';
import { PlatformEvents } from '@lekha/erasure';
import { BusCustomerDirectory, CustomerDirectory } from './recipients/customer-directory.js';
import { CustomerErasure } from './reminders/customer-erasure.js';
import { GetRemindersUseCase } from './reminders/get-reminders.use-case.js';
import { PutRemindersUseCase } from './reminders/put-reminders.use-case.js';
import { RecordReminders } from './reminders/record-reminders.js';
import { ReminderRulesRepository } from './reminders/reminder-rules.repository.js';
import { TenantDataEventsFollower } from './reminders/tenant-data-events.follower.js';
import { IdentityEventsFollower } from './reminders/identity-events.follower.js';
import { ReminderRecipients } from './reminders/reminder-recipients.js';
import { StaffContactsRepository } from './reminders/staff-contacts.repository.js';

/**
 * Tenant messaging: templates, settings, sends, the durable queue and its dispatcher, receipts, consent;
 * global, so that the dispatch consumer queues platform messages into the same queue.
 */
@Module({})
export class MessagingModule {
  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        Clock,
        MessageQuota,
        ServiceTenantAccess,
        RecipientRouteIndex,
        ReceiptDedupKeys,
        TemplateRepository,
        SettingsRepository,
        MessageRepository,
        IdempotencyRepository,
        RecipientPreferencesRepository,
        DispatchQueueRepository,
        ProviderRefsRepository,
        TenantProviders,
        { provide: ConsentPort, useClass: ConsentViewPort },
        ConsentEvents,
        ConsentChanges,
        ApplyConsentChange,
        { provide: CustomerDirectory, useClass: BusCustomerDirectory },
        PlatformEvents,
        ReminderRulesRepository,
        RecordReminders,
        CustomerErasure,
        TenantDataEventsFollower,
        StaffContactsRepository,
        ReminderRecipients,
        IdentityEventsFollower,
        PutRemindersUseCase,
        GetRemindersUseCase,
        {
          provide: ProviderRegistry,
          inject: [TenantProviders],
          useFactory: (tenants: TenantProviders) => {
            const defaults = {
              sms: config.NOTIFICATIONS_SMS_PROVIDERS,
              whatsapp: config.NOTIFICATIONS_WHATSAPP_PROVIDERS,
              email: config.NOTIFICATIONS_EMAIL_PROVIDERS,
            };
            const registry = new ProviderRegistry(defaults, tenants);
            for (const provider of platformProviders(config)) registry.register(provider);
            return registry;
          },
        },
        {
          provide: DispatchOptions,
          useFactory: () =>
            new DispatchOptions(
              config.NOTIFICATIONS_DISPATCHER === 'on',
              config.NOTIFICATIONS_DISPATCH_INTERVAL_MS,
              config.NOTIFICATIONS_DISPATCH_BATCH,
              config.NOTIFICATIONS_DISPATCH_CONCURRENCY,
              config.NOTIFICATIONS_LEASE_MS,
              config.NOTIFICATIONS_PROVIDER_TIMEOUT_MS,
              config.NOTIFICATIONS_MAX_ATTEMPTS,
              config.NOTIFICATIONS_RETRY_BASE_MS,
              config.NOTIFICATIONS_RETRY_MAX_MS,
            ),
        },
        {
          provide: PlatformSmsSettings,
          useValue: new PlatformSmsSettings(
            config.NOTIFICATIONS_PLATFORM_PE_ID,
            config.NOTIFICATIONS_PLATFORM_SMS_HEADER,
            config.NOTIFICATIONS_PLATFORM_DLT_TEMPLATE_ID,
            config.NOTIFICATIONS_PLATFORM_PROVIDER_TEMPLATE_ID,
          ),
        },
        Dispatcher,
        UsageReporter,
        QueuePlatformMessageUseCase,
        RegisterTemplateUseCase,
        ListTemplatesUseCase,
        PutSettingsUseCase,
        GetSettingsUseCase,
        MessageAcceptance,
        SendMessageUseCase,
        SendMessageBatchUseCase,
        GetMessageUseCase,
        MessageStatusesUseCase,
        ListMessagesUseCase,
        RecordConsentUseCase,
        RecordOptOutUseCase,
        ApplyReceiptUseCase,
        ApplyInboundUseCase,
        ReceiveWebhookUseCase,
      ],
      exports: [
        ApplyConsentChange,
        MessageRepository,
        ApplyReceiptUseCase,
        ApplyInboundUseCase,
        Dispatcher,
        ProviderRegistry,
        TenantProviders,
        QueuePlatformMessageUseCase,
        RecordReminders,
        CustomerErasure,
        TenantDataEventsFollower,
        ReminderRecipients,
        IdentityEventsFollower,
        CustomerDirectory,
      ],
    };
  }
}
