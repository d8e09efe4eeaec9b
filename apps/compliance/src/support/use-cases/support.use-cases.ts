import { AuditSigner } from '@lekha/audit';
import {
  BREAK_GLASS_MAX_BAR_DAYS,
  FeatureError,
  RegisterError,
  SupportError,
  SUPPORT_REQUEST_PENDING_DAYS,
  SupportOps,
  supportGrantCanonical,
  uuidv7,
  type CreateSupportRequest,
  type OpenBreakGlass,
  type SupportRequestView,
} from '@lekha/contracts';
import { PlatformAccess, TenantAccess } from '@lekha/access';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { SupportClock } from '../support-clock.js';
import { RegisterNotices } from '../../registers/register-notices.js';
import { RegistersClock } from '../../registers/registers-clock.js';
import { RegistersRepository, type NoticeRow } from '../../registers/registers.repository.js';
import { noticeView } from '../../registers/registers-views.js';
import {
  SupportFields,
  SupportRepository,
  reasonOf,
  scopeOf,
  statusAt,
  viewOf,
  type SupportRequestRow,
} from '../support.repository.js';

const requestNotFound = () => new FeatureError(SupportError.RequestNotFound, 'no such support request for this tenant');
const grantNotFound = () => new FeatureError(SupportError.GrantNotFound, 'no such support grant for this tenant');

/**
 * A support engineer asks a tenant for access; the tenant's owner or admin decides. Audited in the tenant's
 * trail. The reason is sealed under the tenant's key (it may name a person); the tenant's owner is told of the
 * request through notifications once: the notice is a row of the registers' notice table written with the
 * request, handed over now or by the next notice round if notifications cannot be reached.
 */
@Handles(SupportOps.requestAccess)
export class RequestSupportAccessUseCase implements UseCase<typeof SupportOps.requestAccess> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
    private readonly keyring: TenantKeyring,
    private readonly notices: RegistersRepository,
    private readonly noticeRound: RegisterNotices,
    private readonly noticeClock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.requestAccess>, input: CreateSupportRequest) {
    // Keys before the transaction (the embedded database has one connection).
    const cipher = new FieldCipher(await this.keyring.keysFor(input.tenantId));
    const at = this.clock.now();
    const row = await this.access.run(scope, async (data) => {
      const row = await this.repo.insert(data.tx, {
        id: uuidv7(),
        tenantId: input.tenantId,
        requestedBy: scope.ctx.actorId!,
        reasonEnc: cipher.encrypt(SupportFields.reason, input.reason)!,
        scope: input.scope,
        hours: input.hours,
        at,
      });
      await this.notices.insertNotice(data.tx, {
        id: uuidv7(),
        sourceType: 'support_request',
        sourceId: row.id,
        tenantId: input.tenantId,
        recipientType: 'tenant_owner',
        customerId: null,
        // Due now by the notice round's clock (the support clock may stand ahead in a test).
        dueAt: this.noticeClock.now(),
        createdAt: this.noticeClock.now(),
      });
      await data.record({ tenantId: input.tenantId, resource: { id: row.id }, reason: 'requested' });
      return row;
    });
    await this.noticeRound.runOnce(row.id);
    return viewOf(row, this.clock.now(), cipher);
  }
}

@Handles(SupportOps.listRequests)
export class ListSupportRequestsUseCase implements UseCase<typeof SupportOps.listRequests> {
  constructor(
    private readonly access: TenantAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
  ) {}

  execute(scope: OperationScope<typeof SupportOps.listRequests>) {
    return this.access.run(scope, async (data) => {
      const rows = await this.repo.list(data.tx);
      await data.record({});
      const now = this.clock.now();
      return { items: rows.map((r) => viewOf(r, now, data.cipher)) };
    });
  }
}

type DecideOp = typeof SupportOps.approve | typeof SupportOps.deny;

/**
 * Approve or deny a pending request (the tenant's owner or admin, in person). A support engineer never
 * decides: their token holds no tenant role, a grant's token never `support:grants:manage`, and the
 * requester is refused here too. Once decided, nothing more may be decided (409).
 */
abstract class DecideSupportRequest {
  constructor(
    protected readonly access: TenantAccess,
    protected readonly repo: SupportRepository,
    protected readonly clock: SupportClock,
    protected readonly signer: AuditSigner,
  ) {}

  protected async decide(
    scope: OperationScope<DecideOp>,
    input: { id: string; note?: string | undefined },
    approve: boolean,
  ): Promise<SupportRequestView> {
    const ctx = scope.ctx;
    if (ctx.actorType !== 'user' || ctx.roles.some((r) => r.startsWith('platform:')))
      await this.access.refuse(
        scope,
        { resource: { id: input.id }, reason: 'self_approval' },
        new FeatureError(SupportError.SelfApproval, 'only the tenant’s owner or admin may decide a support request'),
      );
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.repo.find(data.tx, input.id);
        if (!row) return null;
        if (row.requested_by === ctx.actorId) return { refused: 'self_approval' as const };
        const at = this.clock.now();
        if (row.status === 'pending' && statusAt(row, at) === 'expired') {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'request_lapsed' });
          return { refused: 'lapsed' as const };
        }
        const noteEnc = data.cipher.encrypt(SupportFields.note, input.note ?? null);
        let decided: SupportRequestRow | null;
        if (approve) {
          const expiresAt = new Date(at.getTime() + row.hours * 3600_000);
          const terms = {
            id: row.id,
            tenantId: row.tenant_id,
            requestedBy: row.requested_by,
            reason: reasonOf(row, data.cipher),
            scope: scopeOf(row),
            approvedBy: ctx.actorId!,
            approvedAt: at.toISOString(),
            expiresAt: expiresAt.toISOString(),
          };
          const signature = this.signer.sign(Buffer.from(supportGrantCanonical(terms)));
          decided = await this.repo.decide(data.tx, row.id, {
            status: 'approved',
            by: ctx.actorId!,
            at,
            noteEnc,
            expiresAt,
            signature,
            keyId: this.signer.keyId,
          });
        } else {
          decided = await this.repo.decide(data.tx, row.id, {
            status: 'denied',
            by: ctx.actorId!,
            at,
            noteEnc,
          });
        }
        if (!decided) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'already_decided' });
          return { refused: 'already_decided' as const };
        }
        await data.record({ resource: { id: row.id }, reason: approve ? 'support_approved' : 'support_denied' });
        return { view: viewOf(decided, at, data.cipher) };
      },
      requestNotFound,
    );
    if (result.view) return result.view;
    if (result.refused === 'self_approval')
      return this.access.refuse(
        scope,
        { resource: { id: input.id }, reason: 'self_approval' },
        new FeatureError(SupportError.SelfApproval, 'the requester of a support request may not decide it'),
      );
    if (result.refused === 'lapsed')
      throw new FeatureError(
        SupportError.RequestLapsed,
        `this support request lapsed undecided after ${SUPPORT_REQUEST_PENDING_DAYS} days; support may ask again`,
      );
    throw new FeatureError(SupportError.AlreadyDecided, 'this support request was decided already');
  }
}

@Handles(SupportOps.approve)
export class ApproveSupportRequestUseCase extends DecideSupportRequest implements UseCase<typeof SupportOps.approve> {
  constructor(access: TenantAccess, repo: SupportRepository, clock: SupportClock, signer: AuditSigner) {
    super(access, repo, clock, signer);
  }

  execute(scope: OperationScope<typeof SupportOps.approve>, input: { id: string; note?: string | undefined }) {
    return this.decide(scope, input, true);
  }
}

@Handles(SupportOps.deny)
export class DenySupportRequestUseCase extends DecideSupportRequest implements UseCase<typeof SupportOps.deny> {
  constructor(access: TenantAccess, repo: SupportRepository, clock: SupportClock, signer: AuditSigner) {
    super(access, repo, clock, signer);
  }

  execute(scope: OperationScope<typeof SupportOps.deny>, input: { id: string; note?: string | undefined }) {
    return this.decide(scope, input, false);
  }
}

/** The tenant ends a grant at once: the gateway checks the grant on every request of its token. */
@Handles(SupportOps.revoke)
export class RevokeSupportGrantUseCase implements UseCase<typeof SupportOps.revoke> {
  constructor(
    private readonly access: TenantAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.revoke>, input: { id: string }) {
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.repo.find(data.tx, input.id);
        if (!row || row.status !== 'approved') return null;
        const at = this.clock.now();
        const revoked = await this.repo.revoke(data.tx, row.id, scope.ctx.actorId!, at);
        if (!revoked) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'grant_not_active' });
          return { ended: statusAt(row, at) };
        }
        await data.record({ resource: { id: row.id }, reason: 'support_revoked' });
        return { view: viewOf(revoked, at, data.cipher) };
      },
      grantNotFound,
    );
    if (result.view) return result.view;
    throw new FeatureError(SupportError.GrantNotActive, `this grant is no longer active (${result.ended})`, {
      status: result.ended,
    });
  }
}

/** What support did under a grant: the tenant's audit events carrying the grant's ID. */
@Handles(SupportOps.activity)
export class SupportGrantActivityUseCase implements UseCase<typeof SupportOps.activity> {
  constructor(
    private readonly access: TenantAccess,
    private readonly repo: SupportRepository,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.activity>, input: { id: string }) {
    const tenantId = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.repo.find(data.tx, input.id);
        if (!row || row.status !== 'approved') return null;
        await data.record({ resource: { id: row.id } });
        return row.tenant_id;
      },
      grantNotFound,
    );
    // The audit index is the service's own table (outside the tenant role's reach): read with its login.
    const items = await this.repo.grantActivity(tenantId, input.id);
    return { grantId: input.id, items };
  }
}

/** Identity asks, as the support engineer, for the grant it is to issue a token for. */
@Handles(SupportOps.grantForToken)
export class SupportGrantForTokenUseCase implements UseCase<typeof SupportOps.grantForToken> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.grantForToken>, input: { id: string }) {
    const row = await this.access.run(scope, (data) => this.repo.find(data.tx, input.id));
    const target = { resource: { id: input.id }, ...(row ? { tenantId: row.tenant_id } : {}) };
    if (!row || row.status !== 'approved' || row.requested_by !== scope.ctx.actorId) {
      if (row && row.requested_by !== scope.ctx.actorId && row.status === 'approved')
        return this.access.refuse(
          scope,
          { ...target, reason: 'not_requester' },
          new FeatureError(
            SupportError.NotRequester,
            'only the support engineer who asked may take this grant’s token',
          ),
        );
      return this.access.refuse(scope, { ...target, reason: 'not_found' }, grantNotFound());
    }
    const status = statusAt(row, this.clock.now());
    if (status !== 'approved')
      return this.access.refuse(
        scope,
        { ...target, reason: `grant_${status}` },
        new FeatureError(
          SupportError.GrantEnded,
          `this grant has ${status === 'revoked' ? 'been revoked' : 'expired'}`,
        ),
      );
    await this.access.record(scope, { ...target, reason: 'token_issued' });
    return {
      id: row.id,
      tenantId: row.tenant_id,
      requestedBy: row.requested_by,
      scope: scopeOf(row),
      expiresAt: new Date(row.expires_at!).toISOString(),
    };
  }
}

/** The gateway's per-request check of a support token's grant (state only; the gateway audits refusals). */
@Handles(SupportOps.grantStatus)
export class SupportGrantStatusUseCase implements UseCase<typeof SupportOps.grantStatus> {
  constructor(
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
  ) {}

  async execute(_scope: OperationScope<typeof SupportOps.grantStatus>, input: { id: string }) {
    const row = await this.repo.findById(input.id);
    if (!row) return { active: false, status: null, tenantId: null };
    const status = statusAt(row, this.clock.now());
    return { active: status === 'approved', status, tenantId: row.tenant_id };
  }
}

/** Development and test only (not served in production): moves the support clock ahead of real time. */
@Handles(SupportOps.setClock)
export class SetSupportClockUseCase implements UseCase<typeof SupportOps.setClock> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly clock: SupportClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.setClock>, input: { offsetHours: number }) {
    this.clock.setOffset(input.offsetHours);
    await this.access.record(scope, { reason: `offset_${input.offsetHours}h` });
    return { offsetHours: this.clock.offsetHours, now: this.clock.now().toISOString() };
  }
}

/**
 * Break-glass access (P42), a last resort: platform admin or compliance opens a grant on a tenant without its
 * approval, only with a recorded basis and reference, short-lived (≤ 4 h), read-only unless asked otherwise. It
 * is the same grant as a consented one (same token, per-request check, audit with the grant's ID, revocation by
 * the tenant), approved at once by the opener and signed by compliance with its basis. The reason is sealed
 * under the tenant's key; the tenant's owner is told at once through the registers' notice table.
 */
@Handles(SupportOps.openBreakGlass)
export class OpenBreakGlassUseCase implements UseCase<typeof SupportOps.openBreakGlass> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
    private readonly signer: AuditSigner,
    private readonly keyring: TenantKeyring,
    private readonly notices: RegistersRepository,
    private readonly noticeRound: RegisterNotices,
    private readonly noticeClock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.openBreakGlass>, input: OpenBreakGlass) {
    const cipher = new FieldCipher(await this.keyring.keysFor(input.tenantId));
    const at = this.clock.now();
    const expiresAt = new Date(at.getTime() + input.hours * 3600_000);
    const id = uuidv7();
    const openedBy = scope.ctx.actorId!;
    const terms = {
      id,
      tenantId: input.tenantId,
      requestedBy: openedBy,
      reason: input.reason,
      scope: input.scope,
      approvedBy: openedBy,
      approvedAt: at.toISOString(),
      expiresAt: expiresAt.toISOString(),
      breakGlass: { basis: input.basis, reference: input.reference },
    };
    const signature = this.signer.sign(Buffer.from(supportGrantCanonical(terms)));
    const bar = input.bar ? { reason: input.bar.reason, until: new Date(input.bar.until) } : null;
    if (bar && (bar.until <= at || bar.until.getTime() > at.getTime() + BREAK_GLASS_MAX_BAR_DAYS * 86_400_000))
      throw new FeatureError(RegisterError.DatesInvalid, 'request is invalid', [
        { path: 'bar.until', message: `after now and at most ${BREAK_GLASS_MAX_BAR_DAYS} days away` },
      ]);
    const row = await this.access.run(scope, async (data) => {
      const row = await this.repo.insertBreakGlass(data.tx, {
        id,
        tenantId: input.tenantId,
        openedBy,
        reasonEnc: cipher.encrypt(SupportFields.reason, input.reason)!,
        basis: input.basis,
        reference: input.reference,
        scope: input.scope,
        hours: input.hours,
        at,
        expiresAt,
        signature,
        keyId: this.signer.keyId,
        bar,
      });
      // The owner is told now, or when the bar ends: the notice is a row due then (the registers' rounds send it).
      await this.notices.insertNotice(data.tx, {
        id: uuidv7(),
        sourceType: 'support_request',
        sourceId: row.id,
        tenantId: input.tenantId,
        recipientType: 'tenant_owner',
        customerId: null,
        dueAt: bar?.until ?? this.noticeClock.now(),
        createdAt: this.noticeClock.now(),
      });
      await data.record({
        tenantId: input.tenantId,
        resource: { id: row.id },
        reason: `break_glass_${input.basis}${bar ? '_notice_barred' : ''}`,
      });
      return row;
    });
    await this.noticeRound.runOnce(row.id);
    return viewOf(row, this.clock.now(), cipher);
  }
}

/** The platform's break-glass report: every grant (no reason: it is the tenant's), counts by basis and month. */
@Handles(SupportOps.breakGlassReport)
export class BreakGlassReportUseCase implements UseCase<typeof SupportOps.breakGlassReport> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: SupportRepository,
    private readonly clock: SupportClock,
    private readonly noticeClock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof SupportOps.breakGlassReport>, input: { since?: string | undefined }) {
    const rows = await this.repo.breakGlassGrants(input.since ? new Date(input.since) : null);
    await this.access.record(scope, { reason: `break_glass_report_${rows.length}` });
    const now = this.clock.now();
    const notices = new Map(
      (await this.repo.grantNotices(rows.map((r) => r.id))).map((n) => [n.source_id, n] as const),
    );
    const noticeNow = this.noticeClock.now();
    const byBasis: Record<string, number> = {};
    const byMonth: Record<string, number> = {};
    const items = rows.map((r) => {
      const openedAt = new Date(r.requested_at).toISOString();
      byBasis[r.basis!] = (byBasis[r.basis!] ?? 0) + 1;
      byMonth[openedAt.slice(0, 7)] = (byMonth[openedAt.slice(0, 7)] ?? 0) + 1;
      return {
        id: r.id,
        tenantId: r.tenant_id,
        basis: r.basis!,
        reference: r.reference!,
        openedBy: r.requested_by,
        openedAt,
        expiresAt: new Date(r.expires_at!).toISOString(),
        status: statusAt(r, now),
        revokedBy: r.revoked_by,
        notice: noticeOf(notices.get(r.id), r, noticeNow),
      };
    });
    return { items, total: items.length, byBasis, byMonth };
  }
}

/** A break-glass grant's owner notice as the report shows it (status as the registers judge it). */
function noticeOf(n: NoticeRow | undefined, r: SupportRequestRow, now: Date) {
  if (!n) return null;
  const barUntil = r.bar_until ? new Date(r.bar_until) : null;
  return {
    dueAt: new Date(n.due_at).toISOString(),
    status: noticeView(n, now, barUntil).status,
    bar: r.bar_reason && barUntil ? { reason: r.bar_reason, until: barUntil.toISOString() } : null,
  };
}
