import { Module } from '@nestjs/common';
import { ConsentRepository } from '../consent/consent.repository.js';
import { PrivacyNoticesRepository } from './privacy-notices.repository.js';
import { BusServiceDeclarations, ServiceDeclarationsSource } from './service-declarations.js';
import { DataMapUseCase } from './use-cases/data-map.use-case.js';
import {
  GetNoticeUseCase,
  ListNoticesUseCase,
  PublicNoticeUseCase,
  PublishNoticeUseCase,
} from './use-cases/privacy-notices.use-cases.js';

/** Versioned privacy notices per language, their public read, and the platform's data map. */
@Module({
  providers: [
    ConsentRepository,
    PrivacyNoticesRepository,
    { provide: ServiceDeclarationsSource, useClass: BusServiceDeclarations },
    PublishNoticeUseCase,
    ListNoticesUseCase,
    GetNoticeUseCase,
    PublicNoticeUseCase,
    DataMapUseCase,
  ],
})
export class PrivacyNoticesModule {}
