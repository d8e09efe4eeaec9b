import { AuditOutbox } from '@lekha/audit';
import {
  AuthError,
  DomainError,
  FeatureError,
  RetentionError,
  RetentionOps,
  type CancelTenantInput,
  type OpResponse,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { PasswordHasher } from '../../auth/password-hasher.js';
import { rateLimited } from '../../auth/use-cases/login.use-case.js';
import { IdentityData } from '../../data/identity-data.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { requireTenant } from '../../staff/tenant-caller.js';
import { UserRepository } from '../../users/user.repository.js';
import { TenantErasureRepository } from '../tenant-erasure.repository.js';
import { TenantErasurePublisher } from '../tenant-erasure.publisher.js';

type Op = typeof RetentionOps.cancel;

/**
 * The owner cancels the tenant, with the password re-entered (guesses count toward lockout). In one
 * transaction the tenant turns read-only; then `tenant.cancelled` goes on the bus (retried until it
 * is out) and compliance's retention clock starts from `cancelledAt`.
 */
@Handles(RetentionOps.cancel)
export class CancelTenantUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly erasures: TenantErasureRepository,
    private readonly publisher: TenantErasurePublisher,
  ) {}

  async execute({ ctx }: OperationScope<Op>, input: CancelTenantInput): Promise<OpResponse<Op>> {
    const tenantId = requireTenant(ctx);
    const actorId = ctx.actorId as string;
    const deny = (reason: string) =>
      this.data.record({ action: 'update', resource: { type: 'tenant', id: tenantId }, outcome: 'denied', reason });
    const user = await this.users.findActive(this.data.reader(), actorId, tenantId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const ticket = await this.guard.attempt(`erase:${user.id}`);
    if (!ticket.verdict.allowed) {
      await deny('locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) {
      await deny('invalid_password');
      throw new FeatureError(AuthError.InvalidCredentials, 'the password is not correct');
    }
    await this.guard.succeeded(ticket);
    const at = new Date();
    const cancelled = await this.data.transaction(async (tx) => {
      if (!(await this.erasures.markCancelled(tx, tenantId, 'owner', at))) return false;
      await this.audit.record(tx, {
        action: 'update',
        resource: { type: 'tenant', id: tenantId },
        reason: 'tenant_cancelled_owner',
      });
      return true;
    });
    if (!cancelled) {
      await deny('already_cancelled');
      throw new FeatureError(RetentionError.AlreadyCancelled, 'the tenant is cancelled already');
    }
    await this.publisher.publishPending().catch(() => undefined);
    return { tenantId, state: 'cancelled', at: at.toISOString() };
  }
}
