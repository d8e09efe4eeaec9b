import { Module, type DynamicModule } from '@nestjs/common';
import { ConsentEvents } from '@lekha/runtime';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { ConsentClock } from './consent-clock.js';
import { ConsentConfirmations } from './consent-confirmations.js';
import { ConsentRelay, ConsentRelayOptions } from './consent-relay.js';
import { ConsentViews } from './consent-views.js';
import { ConsentRepository } from './consent.repository.js';
import { PrivacyNoticesRepository } from '../privacy-notices/privacy-notices.repository.js';
import { ListConsentPurposesUseCase, PutConsentPurposeUseCase } from './use-cases/consent-purposes.use-cases.js';
import { GiveConsentUseCase } from './use-cases/give-consent.use-case.js';
import { ListConsentsUseCase } from './use-cases/list-consents.use-case.js';
import { WithdrawConsentUseCase, WithdrawConsentsOfUseCase } from './use-cases/withdraw-consent.use-case.js';

/**
 * Consent records: purposes, consents given and withdrawn, their propagation and confirmations. Global: the
 * principal's public route (rights/public) gives, withdraws and lists through the same use cases.
 */
@Module({})
export class ConsentModule {
  static register(config: ComplianceConfig): DynamicModule {
    return {
      module: ConsentModule,
      global: true,
      providers: [
        ConsentClock,
        ConsentRepository,
        PrivacyNoticesRepository,
        ConsentViews,
        ConsentEvents,
        {
          provide: ConsentRelayOptions,
          useValue: new ConsentRelayOptions(
            config.CONSENT_RELAY === 'on',
            config.CONSENT_RELAY_INTERVAL_MS,
            config.CONSENT_REPUBLISH_MS,
          ),
        },
        ConsentRelay,
        ConsentConfirmations,
        ListConsentPurposesUseCase,
        PutConsentPurposeUseCase,
        GiveConsentUseCase,
        WithdrawConsentUseCase,
        WithdrawConsentsOfUseCase,
        ListConsentsUseCase,
      ],
      exports: [ConsentRelay, GiveConsentUseCase, WithdrawConsentsOfUseCase, ListConsentsUseCase],
    };
  }
}
