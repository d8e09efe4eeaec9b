import { Module, type DynamicModule } from '@nestjs/common';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { RegisterNotices } from './register-notices.js';
import { RegistersClock } from './registers-clock.js';
import { RegistersOptions } from './registers-options.js';
import { RegistersRepository } from './registers.repository.js';
import {
  CreateIncidentUseCase,
  GetIncidentUseCase,
  IncidentAffectedUseCase,
  IncidentNoticesUseCase,
  IncidentReader,
  IncidentStageUseCase,
  IncidentStatusUseCase,
  ListIncidentsUseCase,
  NotifyIncidentUseCase,
} from './use-cases/incidents.use-cases.js';
import {
  CreateLegalRequestUseCase,
  DecideLegalRequestUseCase,
  GetLegalRequestUseCase,
  LegalRequestReader,
  LegalRequestReportUseCase,
  ListLegalRequestsUseCase,
} from './use-cases/legal-requests.use-cases.js';

/**
 * The oversight registers: law-enforcement requests and breaches, with the notices they owe. Global for its
 * notice table and round: support's request notice to the tenant's owner goes out through them too.
 */
@Module({})
export class RegistersModule {
  static register(config: ComplianceConfig): DynamicModule {
    return {
      module: RegistersModule,
      global: true,
      exports: [RegistersRepository, RegisterNotices, RegistersClock],
      providers: [
        RegistersClock,
        RegistersRepository,
        {
          provide: RegistersOptions,
          useValue: new RegistersOptions(
            config.REGISTER_NOTICES === 'on',
            config.REGISTER_NOTICES_INTERVAL_MS,
            config.BREACH_BOARD_INTIMATION_HOURS,
            config.BREACH_BOARD_REPORT_HOURS,
            config.BREACH_CERT_IN_HOURS,
          ),
        },
        RegisterNotices,
        LegalRequestReader,
        CreateLegalRequestUseCase,
        DecideLegalRequestUseCase,
        GetLegalRequestUseCase,
        ListLegalRequestsUseCase,
        LegalRequestReportUseCase,
        IncidentReader,
        CreateIncidentUseCase,
        ListIncidentsUseCase,
        GetIncidentUseCase,
        IncidentAffectedUseCase,
        IncidentStatusUseCase,
        IncidentStageUseCase,
        NotifyIncidentUseCase,
        IncidentNoticesUseCase,
      ],
    };
  }
}
