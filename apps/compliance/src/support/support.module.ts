import { Module } from '@nestjs/common';
import { SupportClock } from './support-clock.js';
import { SupportRepository } from './support.repository.js';
import {
  ApproveSupportRequestUseCase,
  BreakGlassReportUseCase,
  OpenBreakGlassUseCase,
  DenySupportRequestUseCase,
  ListSupportRequestsUseCase,
  RequestSupportAccessUseCase,
  RevokeSupportGrantUseCase,
  SetSupportClockUseCase,
  SupportGrantActivityUseCase,
  SupportGrantForTokenUseCase,
  SupportGrantStatusUseCase,
} from './use-cases/support.use-cases.js';

/** Support access only with the customer's consent: requests, signed time-boxed grants, revocation, activity. */
@Module({
  providers: [
    SupportClock,
    SupportRepository,
    RequestSupportAccessUseCase,
    OpenBreakGlassUseCase,
    BreakGlassReportUseCase,
    ListSupportRequestsUseCase,
    ApproveSupportRequestUseCase,
    DenySupportRequestUseCase,
    RevokeSupportGrantUseCase,
    SupportGrantActivityUseCase,
    SupportGrantForTokenUseCase,
    SupportGrantStatusUseCase,
    SetSupportClockUseCase,
  ],
})
export class SupportModule {}
