import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type LoginRequest, type TokenPair } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { User } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { PasswordHasher } from '../password-hasher.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { TokenSigner } from '../../signing/token-signer.js';

/** Email or phone plus password. Unknown user and wrong password look the same from outside. */
@Injectable()
export class LoginUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly loginIndex: LoginIndex,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly signer: TokenSigner,
  ) {}

  async execute(input: LoginRequest): Promise<TokenPair> {
    const where = input.email ? { emailIdx: this.loginIndex.email(input.email) } : { phoneIdx: this.loginIndex.phone(input.phone!) };
    const user = await this.db.em().findOne(User, { ...where, status: 'active' });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    if (!user || !ok) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, {
          action: 'login_failed',
          resource: { type: 'session', id: null },
          outcome: 'denied',
          reason: 'invalid_credentials',
          tenantId: user?.tenantId ?? null,
          actorId: user?.id ?? null,
          actorType: user ? 'user' : 'anonymous',
        }),
      );
      throw new DomainError('INVALID_CREDENTIALS', 'the sign-in details are not correct');
    }
    const refresh = await this.db.em().transactional(async (tx) => {
      const issued = await this.refreshTokens.issue(tx, user.id, user.tenantId);
      await this.audit.record(tx, { action: 'login', resource: { type: 'session', id: issued.familyId }, tenantId: user.tenantId, actorId: user.id, actorType: 'user' });
      return issued;
    });
    const access = await this.signer.sign({ sub: user.id, tid: user.tenantId, roles: user.roles, sid: refresh.familyId });
    return { accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
  }
}
