import { AuditOutbox } from '@lekha/audit';
import {
  DomainError,
  TenantOps,
  type EraseTenantInput,
  type TenantErasureStatus,
  FeatureError,
  TenantError,
  AuthError,
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

/**
 * The owner erases the whole tenant. In one transaction: the tenant is marked erased and every
 * session, refresh token, API key and sign-in ends; then the order goes on the bus and every
 * service (identity too) destroys its keyset for the tenant and deletes its rows. Only a signed-in
 * owner (`tenant:erase`, never an API key: the runner checks both), with the password re-entered and
 * the tenant's ID typed back; guesses count toward lockout.
 */
@Handles(TenantOps.erase)
export class EraseTenantUseCase implements UseCase<typeof TenantOps.erase> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly erasures: TenantErasureRepository,
    private readonly publisher: TenantErasurePublisher,
  ) {}

  async execute(
    { ctx }: OperationScope<typeof TenantOps.erase>,
    input: EraseTenantInput,
  ): Promise<TenantErasureStatus> {
    const tenantId = requireTenant(ctx);
    const actorId = ctx.actorId as string;
    const deny = (reason: string) =>
      this.data.record({ action: 'delete', resource: { type: 'tenant', id: tenantId }, outcome: 'denied', reason });
    if (input.confirmTenantId !== tenantId) {
      await deny('confirmation_mismatch');
      throw new FeatureError(TenantError.EraseIdMismatch, "confirmTenantId must be this tenant's ID", [
        { path: 'confirmTenantId', message: 'does not match the tenant you are signed in to' },
      ]);
    }
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
    await this.data.transaction(async (tx) => {
      const { already } = await this.erasures.markRequested(tx, tenantId);
      if (!already)
        await this.audit.record(tx, {
          action: 'delete',
          resource: { type: 'tenant', id: tenantId },
          reason: 'tenant_erasure_requested',
        });
    });
    // The order is on the bus before we answer; if the broker is down the publisher keeps trying.
    await this.publisher.publishPending().catch(() => undefined);
    return (await this.erasures.status(this.data.reader(), tenantId))!;
  }
}
