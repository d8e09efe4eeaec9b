import type { Provider } from '@nestjs/common';
import { AuditIndexRepository } from '../audit-index/audit-index.repository.js';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { ConsentRepository } from '../consent/consent.repository.js';
import { loadMasterKey } from '@lekha/runtime';
import { RetentionRepository } from '../retention/retention.repository.js';
import { certificateSeed } from '../retention/retention-scheduler.js';
import { ERASURE_CERTIFICATE_SEED, ErasureRetryOptions, ErasureWorkflow } from './erasure/erasure-workflow.js';
import { ErasureRepository } from './erasure/erasure.repository.js';
import { GetErasureCertificateUseCase } from './erasure/use-cases/erasure.use-cases.js';
import { PrivacyNoticesRepository } from '../privacy-notices/privacy-notices.repository.js';
import { RightsClock } from './rights-clock.js';
import { RightsRelay, RightsRelayOptions } from './rights-relay.js';
import { RightsRepository } from './rights.repository.js';
import { publicRightsProviders } from './public/public-rights.providers.js';
import {
  CompleteRightsRequestUseCase,
  FileRightsRequestUseCase,
  GetRightsPolicyUseCase,
  GetRightsRequestUseCase,
  ListRightsRequestsUseCase,
  PutRightsPolicyUseCase,
  RejectRightsRequestUseCase,
  RightsRequestResultUseCase,
} from './use-cases/rights-requests.use-cases.js';

/**
 * Rights requests in compliance: the workflow (use cases, the relay that asks every service for its
 * part and records the answers) beside compliance's own rights handler (`RightsModule.forService`).
 */
export function complianceRightsProviders(config: ComplianceConfig): Provider[] {
  return [
    RightsClock,
    RightsRepository,
    ConsentRepository,
    PrivacyNoticesRepository,
    AuditIndexRepository,
    {
      provide: RightsRelayOptions,
      useValue: new RightsRelayOptions(
        config.RIGHTS_RELAY === 'on',
        config.RIGHTS_RELAY_INTERVAL_MS,
        config.RIGHTS_REPUBLISH_MS,
      ),
    },
    RetentionRepository,
    ErasureRepository,
    { provide: ERASURE_CERTIFICATE_SEED, useValue: certificateSeed(loadMasterKey(config)) },
    {
      provide: ErasureRetryOptions,
      useValue: new ErasureRetryOptions(config.RIGHTS_ERASURE_RETRIES, config.RIGHTS_ERASURE_RETRY_BACKOFF_MS),
    },
    ErasureWorkflow,
    RightsRelay,
    GetErasureCertificateUseCase,
    GetRightsPolicyUseCase,
    PutRightsPolicyUseCase,
    FileRightsRequestUseCase,
    ListRightsRequestsUseCase,
    GetRightsRequestUseCase,
    RightsRequestResultUseCase,
    RejectRightsRequestUseCase,
    CompleteRightsRequestUseCase,
    ...publicRightsProviders(),
  ];
}
