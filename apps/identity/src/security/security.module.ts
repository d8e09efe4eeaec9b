import { Module } from '@nestjs/common';
import { PasswordHasher } from '../auth/password-hasher.js';
import { IdentityDataModule } from '../data/identity-data.js';
import { BruteForceGuard } from './brute-force-guard.js';
import { IdentityKeys } from './identity-keys.js';
import { LoginHistoryRepository } from './login-history.repository.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { PasswordPolicy } from './password-policy.js';
import { RateBudgets } from './rate-budgets.js';
import { SendBudgets } from './send-budgets.js';

const providers = [
  PasswordHasher,
  PasswordPolicy,
  IdentityKeys,
  LoginThrottleRepository,
  BruteForceGuard,
  LoginHistoryRepository,
  RateBudgets,
  SendBudgets,
];

/** Credentials and their defences: hashing, policy, keyed secrets, throttles, budgets, login history. */
@Module({ imports: [IdentityDataModule], providers, exports: providers })
export class SecurityModule {}
