import {
  DomainError,
  PrivacyError,
  PrivacyOps,
  PublicRightsOps,
  RightsOps,
  type PublicConsentWithdrawal,
  type PublicRightsRequest,
  type PublicVerification,
  type RightsRequestKind,
} from '@lekha/contracts';
import { Handles, operationScope, type OperationScope, type UseCase } from '@lekha/runtime';
import { principalIndex } from '../../../consent/consent-view.js';
import { ConsentRepository } from '../../../consent/consent.repository.js';
import { ListConsentsUseCase } from '../../../consent/use-cases/list-consents.use-case.js';
import { WithdrawConsentsOfUseCase } from '../../../consent/use-cases/withdraw-consent.use-case.js';
import { FileRightsRequestUseCase } from '../../use-cases/rights-requests.use-cases.js';
import { TenantAccess } from '@lekha/access';
import { PrincipalDirectory } from '../principal-directory.js';
import { PublicVerificationRepository, RightsCorrectionRepository } from '../public-verification.repository.js';
import { PublicRightsFlow, inTenant } from '../public-rights-flow.js';

/** The principal, verified by a code, acting in the tenant (no sign-in: an anonymous actor named by customer ID). */
function asPrincipal<O extends typeof RightsOps.fileRequest | typeof PrivacyOps.withdrawConsentsOf>(
  scope: OperationScope,
  op: O,
  tenantId: string,
  customerId: string | null,
): OperationScope<O> {
  return operationScope(op, { ...scope.ctx, tenantId, actorType: 'anonymous', actorId: customerId, roles: [] });
}

/**
 * A principal asks for a rights request on the tenant's public route: answered 202 with a verification,
 * the same whether or not the phone or email belongs to a customer; the code goes only to a customer's
 * address on record.
 */
@Handles(PublicRightsOps.request)
export class PublicRightsRequestUseCase implements UseCase<typeof PublicRightsOps.request> {
  constructor(
    private readonly flow: PublicRightsFlow,
    private readonly directory: PrincipalDirectory,
  ) {}

  execute(scope: OperationScope<typeof PublicRightsOps.request>, input: PublicRightsRequest) {
    const address = input.phone ? { phone: input.phone } : { email: input.email! };
    return this.flow.open(
      scope,
      input.tenantId,
      'rights_request',
      {
        address,
        kind: input.kind,
        ...(input.details ? { details: input.details } : {}),
        ...(input.corrections ? { corrections: input.corrections } : {}),
      },
      async () => {
        const customerId = await this.directory.customerOf(input.tenantId, address);
        return customerId ? { customerId } : null;
      },
    );
  }
}

/**
 * The code of a public rights request: the request is filed through the staff route's workflow (due date,
 * joining an open request of the same kind, every transition audited), the principal as its actor.
 */
@Handles(PublicRightsOps.verifyRequest)
export class VerifyPublicRightsRequestUseCase implements UseCase<typeof PublicRightsOps.verifyRequest> {
  constructor(
    private readonly access: TenantAccess,
    private readonly flow: PublicRightsFlow,
    private readonly file: FileRightsRequestUseCase,
    private readonly verifications: PublicVerificationRepository,
    private readonly corrections: RightsCorrectionRepository,
  ) {}

  async execute(scope: OperationScope<typeof PublicRightsOps.verifyRequest>, input: PublicVerification) {
    const { row, ask } = await this.flow.check(
      scope,
      input.tenantId,
      'rights_request',
      input.verificationId,
      input.code,
    );
    const view = await this.file.execute(asPrincipal(scope, RightsOps.fileRequest, input.tenantId, row.customer_id), {
      kind: ask.kind as RightsRequestKind,
      customerId: row.customer_id!,
      ...(ask.details ? { details: ask.details } : {}),
    });
    // The verification names the request it filed (or joined); a correction keeps what the principal asked for.
    await this.access.run(inTenant(scope, input.tenantId), async (data) => {
      await this.verifications.setResult(data, row.id, view.id);
      if (view.kind === 'correction' && ask.corrections)
        await this.corrections.request(
          data,
          view.id,
          view.customerId,
          data.cipher.encrypt('rights.corrections', JSON.stringify(ask.corrections))!,
        );
      await data.record({
        resource: { id: row.id },
        subjectIds: [view.customerId],
        reason: view.joined ? 'public_request_joined' : 'public_request_filed',
      });
    });
    return { id: view.id, status: view.status, kind: view.kind, dueAt: view.dueAt };
  }
}

/**
 * A principal withdraws consent for a purpose on the public route: the same answer whether or not the
 * address has an active consent for it; the code goes only to an address that has one.
 */
@Handles(PublicRightsOps.withdraw)
export class PublicConsentWithdrawalUseCase implements UseCase<typeof PublicRightsOps.withdraw> {
  constructor(
    private readonly flow: PublicRightsFlow,
    private readonly consents: ConsentRepository,
  ) {}

  execute(scope: OperationScope<typeof PublicRightsOps.withdraw>, input: PublicConsentWithdrawal) {
    const address = input.phone ? { phone: input.phone } : { email: input.email! };
    return this.flow.open(
      scope,
      input.tenantId,
      'consent_withdrawal',
      { address, purpose: input.purpose },
      async (data) => {
        const rows = await this.consents.list(data, {
          principalIdx: principalIndex(data.cipher, (input.phone ?? input.email)!),
          purpose: input.purpose,
        });
        const active = rows.filter((r) => !r.withdrawal_id);
        return active.length ? { customerId: active[0]!.customer_id ?? null } : null;
      },
    );
  }
}

/**
 * The code of a public consent withdrawal: withdrawn through the staff route's workflow (a withdrawal row
 * per record, the outbox, notifications stops the sends), channel `web`, the principal as its actor.
 */
@Handles(PublicRightsOps.verifyWithdrawal)
export class VerifyPublicConsentWithdrawalUseCase implements UseCase<typeof PublicRightsOps.verifyWithdrawal> {
  constructor(
    private readonly flow: PublicRightsFlow,
    private readonly withdraw: WithdrawConsentsOfUseCase,
  ) {}

  async execute(scope: OperationScope<typeof PublicRightsOps.verifyWithdrawal>, input: PublicVerification) {
    const { row, ask } = await this.flow.check(
      scope,
      input.tenantId,
      'consent_withdrawal',
      input.verificationId,
      input.code,
    );
    const purpose = ask.purpose!;
    let withdrawn = 0;
    try {
      const { items } = await this.withdraw.execute(
        asPrincipal(scope, PrivacyOps.withdrawConsentsOf, input.tenantId, row.customer_id),
        {
          principal: ask.address.phone ? { phone: ask.address.phone } : { email: ask.address.email! },
          purpose,
          channel: 'web',
          method: 'public route, verified by a one-time code',
        },
      );
      withdrawn = items.length;
    } catch (err) {
      // Withdrawn meanwhile (by staff, or another code): nothing is left to withdraw, which is what was asked.
      if (!(err instanceof DomainError && err.reason === PrivacyError.NothingToWithdraw)) throw err;
    }
    return { purpose, withdrawn, withdrawnAt: new Date().toISOString() };
  }
}

/** `GET /v1/customers/:id/consents`: a customer's consents (the list by customer ID, under its own route). */
@Handles(PublicRightsOps.customerConsents)
export class CustomerConsentsUseCase implements UseCase<typeof PublicRightsOps.customerConsents> {
  constructor(private readonly list: ListConsentsUseCase) {}

  execute(scope: OperationScope<typeof PublicRightsOps.customerConsents>, input: { id: string }) {
    return this.list.execute(inTenant(operationScope(PrivacyOps.listConsents, scope.ctx), scope.ctx.tenantId ?? ''), {
      customerId: input.id,
    });
  }
}
