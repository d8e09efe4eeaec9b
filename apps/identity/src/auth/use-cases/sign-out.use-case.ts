import { AuthOps, type RevokedSessions } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LogoutUseCase } from '../../sessions/use-cases/logout.use-case.js';

type Op = typeof AuthOps.logout;

/**
 * Signs the caller out: ends the session named by their token (the gateway sends its ID) through
 * the sessions feature, which ends a person's own session the same way when they revoke one from
 * their list. An API key has no session and is refused there, told to revoke the key instead.
 */
@Handles(AuthOps.logout)
export class SignOutUseCase implements UseCase<Op> {
  constructor(private readonly sessions: LogoutUseCase) {}

  execute(
    { ctx }: OperationScope<Op>,
    { sessionId }: { sessionId: string },
  ): Promise<{ revoked: true } & RevokedSessions> {
    return this.sessions.execute(ctx, sessionId, 'logout');
  }
}
