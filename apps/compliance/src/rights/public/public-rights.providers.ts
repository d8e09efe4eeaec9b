import type { Provider } from '@nestjs/common';
import { BusPrincipalDirectory, PrincipalDirectory } from './principal-directory.js';
import { PublicRightsFlow } from './public-rights-flow.js';
import {
  PublicVerificationRepository,
  RightsCorrectionRepository,
  RightsReadTokenRepository,
} from './public-verification.repository.js';
import { CorrectRightsRequestUseCase } from '../correction/use-cases/correct-rights-request.use-case.js';
import { VerificationCodes } from './verification-codes.js';
import {
  CustomerConsentsUseCase,
  PublicConsentWithdrawalUseCase,
  PublicConsentUseCase,
  PublicRequestReader,
  PublicRightsRequestUseCase,
  ReadPublicCertificateUseCase,
  ReadPublicRightsRequestUseCase,
  ReadPublicRightsResultUseCase,
  VerifyPublicConsentUseCase,
  VerifyPublicConsentWithdrawalUseCase,
  VerifyPublicRightsRequestUseCase,
} from './use-cases/public-rights.use-cases.js';

/**
 * The principal's public route (one-time codes), a customer's consents under the customer's route, and
 * applying a correction request.
 */
export function publicRightsProviders(): Provider[] {
  return [
    PublicVerificationRepository,
    RightsCorrectionRepository,
    RightsReadTokenRepository,
    VerificationCodes,
    { provide: PrincipalDirectory, useClass: BusPrincipalDirectory },
    PublicRightsFlow,
    PublicRightsRequestUseCase,
    VerifyPublicRightsRequestUseCase,
    PublicConsentWithdrawalUseCase,
    VerifyPublicConsentWithdrawalUseCase,
    PublicConsentUseCase,
    VerifyPublicConsentUseCase,
    CustomerConsentsUseCase,
    CorrectRightsRequestUseCase,
    PublicRequestReader,
    ReadPublicRightsRequestUseCase,
    ReadPublicRightsResultUseCase,
    ReadPublicCertificateUseCase,
  ];
}
