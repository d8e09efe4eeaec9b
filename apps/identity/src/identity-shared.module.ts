import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './auth/password-hasher.js';
import { RefreshTokenRepository } from './auth/refresh-token.repository.js';
import { TokenSigner } from './signing/token-signer.js';
import { JwksPublisher } from './signing/jwks-publisher.js';
import { LoginIndex } from './users/login-index.js';
import { IdentityKeys } from './security/identity-keys.js';
import { PasswordPolicy } from './security/password-policy.js';
import { LoginThrottleRepository } from './security/login-throttle.repository.js';
import { BruteForceGuard } from './security/brute-force-guard.js';
import { LoginHistoryRepository } from './security/login-history.repository.js';
import { SessionRepository } from './sessions/session.repository.js';
import { SessionIssuer } from './sessions/session-issuer.js';
import { NotificationDispatcher } from './messaging/notification-dispatcher.js';
import { DeferredWork } from './messaging/deferred-work.js';
import { RateBudgets } from './security/rate-budgets.js';
import { SendBudgets } from './security/send-budgets.js';

const shared = [
  PasswordHasher,
  RefreshTokenRepository,
  TokenSigner,
  LoginIndex,
  IdentityKeys,
  PasswordPolicy,
  LoginThrottleRepository,
  BruteForceGuard,
  LoginHistoryRepository,
  SessionRepository,
  SessionIssuer,
  NotificationDispatcher,
  JwksPublisher,
  DeferredWork,
  RateBudgets,
  SendBudgets,
];

/** Repositories and ports every identity feature uses. */
@Global()
@Module({ providers: shared, exports: shared })
export class IdentitySharedModule {}
