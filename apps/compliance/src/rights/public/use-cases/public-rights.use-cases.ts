import {
  DomainError,
  FeatureError,
  PrivacyError,
  uuidv7,
  PrivacyOps,
  PublicRightsOps,
  RightsOps,
  type PublicConsent,
  type PublicConsentWithdrawal,
  type PublicRequestRead,
  type PublicRightsRequestStatus,
  type PublicRightsRequest,
  type PublicVerification,
  type RightsRequestKind,
} from '@lekha/contracts';
import { Handles, operationScope, type OperationScope, type UseCase } from '@lekha/runtime';
import { principalIndex } from '../../../consent/consent-view.js';
import { ConsentRepository } from '../../../consent/consent.repository.js';
import { ListConsentsUseCase } from '../../../consent/use-cases/list-consents.use-case.js';
import { WithdrawConsentsOfUseCase } from '../../../consent/use-cases/withdraw-consent.use-case.js';
import { GiveConsentUseCase } from '../../../consent/use-cases/give-consent.use-case.js';
import {
  FileRightsRequestUseCase,
  GetRightsRequestUseCase,
  RightsRequestResultUseCase,
} from '../../use-cases/rights-requests.use-cases.js';
import { GetErasureCertificateUseCase } from '../../erasure/use-cases/erasure.use-cases.js';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { publicRequestResultReadSchema } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { runWithContext } from '@lekha/tenancy';
import { RightsClock } from '../../rights-clock.js';
import { RightsRepository } from '../../rights.repository.js';
import { PrincipalDirectory } from '../principal-directory.js';
import {
  PublicVerificationRepository,
  RightsCorrectionRepository,
  RightsReadTokenRepository,
} from '../public-verification.repository.js';
import { PUBLIC_LIMITS, PublicRightsFlow, inTenant } from '../public-rights-flow.js';
import { VerificationCodes } from '../verification-codes.js';

/** The principal, verified by a code, acting in the tenant (no sign-in: an anonymous actor named by customer ID). */
function asPrincipal<
  O extends
    | typeof RightsOps.fileRequest
    | typeof PrivacyOps.withdrawConsentsOf
    | typeof PrivacyOps.giveConsent
    | typeof RightsOps.getRequest
    | typeof RightsOps.requestResult
    | typeof RightsOps.requestCertificate,
>(scope: OperationScope, op: O, tenantId: string, customerId: string | null): OperationScope<O> {
  return operationScope(op, { ...scope.ctx, tenantId, actorType: 'anonymous', actorId: customerId, roles: [] });
}

/**
 * Runs a staff route's use case as the principal: the scope and the ambient context (which the audit
 * records are built from) both name the tenant and the principal, so the read is on the tenant's trail as theirs.
 */
function readAsPrincipal<
  O extends typeof RightsOps.getRequest | typeof RightsOps.requestResult | typeof RightsOps.requestCertificate,
  T,
>(scope: OperationScope, op: O, tenantId: string, customerId: string, work: (s: OperationScope<O>) => Promise<T>) {
  const principal = asPrincipal(scope, op, tenantId, customerId);
  return runWithContext(principal.ctx, () => work(principal));
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
    private readonly tokens: RightsReadTokenRepository,
    private readonly codes: VerificationCodes,
    private readonly clock: RightsClock,
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
    // The read token is shown once, here; only its keyed hash is kept.
    const readToken = this.codes.newReadToken();
    await this.access.run(inTenant(scope, input.tenantId), async (data) => {
      await this.verifications.setResult(data, row.id, view.id);
      await this.tokens.insert(data, this.codes.readTokenHash(readToken), view.id, this.clock.now());
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
    return { id: view.id, status: view.status, kind: view.kind, dueAt: view.dueAt, readToken };
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
 * A principal gives consent for one of the tenant's purposes on the public route. A purpose the tenant does
 * not have is refused before anything else (422, nothing about the address). Otherwise the code goes to the
 * address given, known or not: giving consent needs no customer record, and proving control of the address is
 * what makes it the principal's own act. The verification learns the customer holding the address, if any.
 */
@Handles(PublicRightsOps.give)
export class PublicConsentUseCase implements UseCase<typeof PublicRightsOps.give> {
  constructor(
    private readonly flow: PublicRightsFlow,
    private readonly directory: PrincipalDirectory,
    private readonly consents: ConsentRepository,
  ) {}

  execute(scope: OperationScope<typeof PublicRightsOps.give>, input: PublicConsent) {
    const address = input.phone ? { phone: input.phone } : { email: input.email! };
    return this.flow.open(
      scope,
      input.tenantId,
      'consent_given',
      { address, purpose: input.purpose, notice: input.notice },
      async () => ({ customerId: await this.directory.customerOf(input.tenantId, address) }),
      async (data) =>
        (await this.consents.purposes(data)).some((p) => p.key === input.purpose)
          ? null
          : {
              reason: 'purpose_unknown',
              error: new FeatureError(PrivacyError.PurposeUnknown, `"${input.purpose}" is not one of the purposes`),
            },
    );
  }
}

/**
 * The code of a public consent: recorded by `POST /v1/privacy/consents`'s own use case (one path: the
 * record, the outbox row for every consent view, the audit record), channel `web`, the principal as actor.
 */
@Handles(PublicRightsOps.verifyGiving)
export class VerifyPublicConsentUseCase implements UseCase<typeof PublicRightsOps.verifyGiving> {
  constructor(
    private readonly flow: PublicRightsFlow,
    private readonly give: GiveConsentUseCase,
  ) {}

  async execute(scope: OperationScope<typeof PublicRightsOps.verifyGiving>, input: PublicVerification) {
    const { row, ask } = await this.flow.check(
      scope,
      input.tenantId,
      'consent_given',
      input.verificationId,
      input.code,
    );
    const principal = asPrincipal(scope, PrivacyOps.giveConsent, input.tenantId, row.customer_id);
    const view = await runWithContext(principal.ctx, () =>
      this.give.execute(principal, {
        principal: {
          ...(ask.address.phone ? { phone: ask.address.phone } : { email: ask.address.email! }),
          ...(row.customer_id ? { customerId: row.customer_id } : {}),
        },
        purpose: ask.purpose!,
        notice: ask.notice!,
        channel: 'web',
        evidence: { method: 'public route, verified by a one-time code', reference: `verification ${row.id}` },
      }),
    );
    return { id: view.id, purpose: view.purpose, status: view.status, givenAt: view.givenAt };
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

/** How long a read token keeps working after its request closes (completed or rejected). */
export const READ_TOKEN_AFTER_CLOSE_MS = 30 * 24 * 3600_000;

/**
 * The gate of the principal's reads on the public route: the read token must be one given for this request
 * of this tenant, and the request open or closed for less than 30 days. A wrong token, another request's,
 * another tenant's, an expired one or an unknown tenant: the same 404, audited as denied and counted against
 * the caller's IP; past `PUBLIC_LIMITS.perIpReadMisses` in the window, 429 with Retry-After.
 */
@Injectable()
export class PublicRequestReader {
  constructor(
    private readonly access: TenantAccess,
    private readonly directory: PrincipalDirectory,
    private readonly tokens: RightsReadTokenRepository,
    private readonly requests: RightsRepository,
    private readonly codes: VerificationCodes,
    private readonly clock: RightsClock,
  ) {}

  /** The principal (customer ID) the token reads for, or the one 404. */
  async principal(scope: OperationScope, input: PublicRequestRead): Promise<string> {
    const notFound = new FeatureError(PrivacyError.RequestNotFound, 'no such rights request');
    if (!(await this.directory.tenantActive(input.tenantId)))
      return this.access.refuse(scope, { resource: { id: input.id }, reason: 'tenant_not_found' }, notFound);
    // A public caller's context names no tenant: the reader's records name the tenant of the route.
    const tenantId = input.tenantId;
    const now = this.clock.now();
    const ipHash = this.codes.ipHash(scope.ctx.ip);
    const outcome = await this.access.run(inTenant(scope, input.tenantId), async (data) => {
      if (ipHash) {
        const misses = await this.tokens.missesSince(data, ipHash, new Date(now.getTime() - PUBLIC_LIMITS.windowMs));
        if (misses.count >= PUBLIC_LIMITS.perIpReadMisses) {
          await data.record({ tenantId, resource: { id: input.id }, outcome: 'denied', reason: 'rate_limited' });
          return { customerId: null, limitedUntil: misses.oldest!.getTime() + PUBLIC_LIMITS.windowMs };
        }
      }
      const row = await this.requests.find(data, input.id);
      const closedAt = row ? (row.completed_at ?? row.rejected_at) : null;
      const live = closedAt === null || new Date(closedAt).getTime() + READ_TOKEN_AFTER_CLOSE_MS > now.getTime();
      if (row && live && (await this.tokens.reads(data, this.codes.readTokenHash(input.token), row.id)))
        return { customerId: row.customer_id, limitedUntil: null };
      await this.tokens.miss(data, uuidv7(), ipHash, now);
      await data.record({
        tenantId,
        resource: { id: input.id },
        outcome: 'denied',
        reason: row && !live ? 'read_token_expired' : 'read_token_wrong',
      });
      return null;
    });
    if (outcome?.limitedUntil)
      throw new FeatureError(PrivacyError.TooManyVerifications, 'too many wrong read tokens; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil((outcome.limitedUntil - now.getTime()) / 1000)),
      });
    if (!outcome?.customerId) throw notFound;
    return outcome.customerId;
  }
}

/** The principal reads where their request stands (the staff route's read, as the principal). */
@Handles(PublicRightsOps.readRequest)
export class ReadPublicRightsRequestUseCase implements UseCase<typeof PublicRightsOps.readRequest> {
  constructor(
    private readonly reader: PublicRequestReader,
    private readonly get: GetRightsRequestUseCase,
  ) {}

  async execute(
    scope: OperationScope<typeof PublicRightsOps.readRequest>,
    input: PublicRequestRead,
  ): Promise<PublicRightsRequestStatus> {
    const customerId = await this.reader.principal(scope, input);
    const v = await readAsPrincipal(scope, RightsOps.getRequest, input.tenantId, customerId, (s) =>
      this.get.execute(s, { id: input.id }),
    );
    return {
      id: v.id,
      kind: v.kind,
      status: v.status,
      receivedAt: v.receivedAt,
      dueAt: v.dueAt,
      overdue: v.overdue,
      completedAt: v.completedAt,
      rejection: v.rejection,
      ...(v.erasure ? { erasure: { phase: v.erasure.phase } } : {}),
      resultReady: (v.kind === 'access' || v.kind === 'export') && v.status === 'completed',
      certificateReady: v.erasure?.certificateId != null,
    };
  }
}

/** The principal reads their access or export document (the staff route's use case and renderer, as them). */
@Handles(PublicRightsOps.readResult)
export class ReadPublicRightsResultUseCase implements UseCase<typeof PublicRightsOps.readResult> {
  constructor(
    private readonly reader: PublicRequestReader,
    private readonly result: RightsRequestResultUseCase,
  ) {}

  async execute(
    scope: OperationScope<typeof PublicRightsOps.readResult>,
    input: z.output<typeof publicRequestResultReadSchema>,
  ) {
    const customerId = await this.reader.principal(scope, input);
    return readAsPrincipal(scope, RightsOps.requestResult, input.tenantId, customerId, (s) =>
      this.result.execute(s, {
        id: input.id,
        format: input.format,
        ...(input.language ? { language: input.language } : {}),
      }),
    );
  }
}

/** The principal downloads their deletion certificate (the staff route's use case, as them). */
@Handles(PublicRightsOps.readCertificate)
export class ReadPublicCertificateUseCase implements UseCase<typeof PublicRightsOps.readCertificate> {
  constructor(
    private readonly reader: PublicRequestReader,
    private readonly certificate: GetErasureCertificateUseCase,
  ) {}

  async execute(scope: OperationScope<typeof PublicRightsOps.readCertificate>, input: PublicRequestRead) {
    const customerId = await this.reader.principal(scope, input);
    return readAsPrincipal(scope, RightsOps.requestCertificate, input.tenantId, customerId, (s) =>
      this.certificate.execute(s, { id: input.id }),
    );
  }
}
