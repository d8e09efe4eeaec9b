import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformEvents } from '@lekha/erasure';
import { loadMasterKey } from '@lekha/runtime';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { RetentionRepository } from './retention.repository.js';
import { BusTenantActivity, TenantActivity } from './tenant-activity.js';
import { CERTIFICATE_SEED, RetentionScheduler, certificateSeed } from './retention-scheduler.js';
import {
  GetCertificateKeyUseCase,
  GetDeletionCertificateUseCase,
  GetRetentionUseCase,
  HoldsStandingUseCase,
  LiftLegalHoldUseCase,
  ListRetentionRunsUseCase,
  RetentionScheduleUseCase,
  PlaceLegalHoldUseCase,
  PutRetentionUseCase,
  ReactivateTenantUseCase,
  RetentionTickUseCase,
} from './use-cases/retention.use-cases.js';

/** Retention after cancellation: the policy, the schedule and its lease, legal holds, deletion certificates. */
@Module({})
export class RetentionModule {
  static register(config: ComplianceConfig): DynamicModule {
    return {
      module: RetentionModule,
      providers: [
        { provide: CERTIFICATE_SEED, useValue: certificateSeed(loadMasterKey(config)) },
        PlatformEvents,
        RetentionRepository,
        { provide: TenantActivity, useClass: BusTenantActivity },
        RetentionScheduler,
        GetRetentionUseCase,
        PutRetentionUseCase,
        ReactivateTenantUseCase,
        PlaceLegalHoldUseCase,
        LiftLegalHoldUseCase,
        HoldsStandingUseCase,
        ListRetentionRunsUseCase,
        RetentionScheduleUseCase,
        GetDeletionCertificateUseCase,
        GetCertificateKeyUseCase,
        RetentionTickUseCase,
      ],
      exports: [RetentionScheduler],
    };
  }
}
