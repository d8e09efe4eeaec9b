import { SessionOps, type OpResponse } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LogoutUseCase } from './logout.use-case.js';

type Op = typeof SessionOps.revoke;

/**
 * Ends one of the caller's sessions (any of their own, not only the current one), as signing out
 * does; another person's session is not found. An API key has no session and is refused.
 */
@Handles(SessionOps.revoke)
export class RevokeSessionUseCase implements UseCase<Op> {
  constructor(private readonly sessions: LogoutUseCase) {}

  execute({ ctx }: OperationScope<Op>, { sessionId }: { sessionId: string }): Promise<OpResponse<Op>> {
    return this.sessions.execute(ctx, sessionId, 'revoke');
  }
}
