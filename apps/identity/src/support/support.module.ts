import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { PlatformUsersModule } from '../platform-users/platform-users.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { BusComplianceGrants, ComplianceGrants } from './compliance-grants.js';
import { IssueSupportTokenUseCase } from './issue-support-token.use-case.js';

/** Support grants' tokens (grants themselves are compliance's). */
@Module({
  imports: [IdentityDataModule, PlatformUsersModule, SigningModule],
  providers: [{ provide: ComplianceGrants, useClass: BusComplianceGrants }, IssueSupportTokenUseCase],
})
export class SupportTokensModule {}
