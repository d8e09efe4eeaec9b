import { Injectable } from '@nestjs/common';
import {
  AuthorityTypes,
  FeatureError,
  LegalDecisions,
  LegalRequestOps,
  RegisterError,
  uuidv7,
  type CreateLegalRequest,
  type DecideLegalRequest,
  type LegalReport,
  type LegalReportQuery,
  type LegalRequestView,
} from '@lekha/contracts';
import { PlatformAccess, type PlatformScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RegisterNotices } from '../register-notices.js';
import { RegistersClock } from '../registers-clock.js';
import { legalRequestView } from '../registers-views.js';
import { RegistersRepository, type LegalRequestRow } from '../registers.repository.js';

type Disclosure = { customerIds: string[]; categories: string[]; note: string } | undefined;

/** A decision and its disclosure must agree, and only legal process is ever answered with data (P41). */
function checkDecision(
  instrument: string,
  decision: string,
  receivedAt: Date,
  decidedAt: Date | null,
  disclosed: Disclosure,
  now: Date,
): void {
  if (decision === 'pending') {
    if (decidedAt || disclosed)
      throw new FeatureError(RegisterError.DisclosureInvalid, 'a pending request has no decidedAt and no disclosure', [
        { path: decidedAt ? 'decidedAt' : 'disclosed', message: 'only with a decision' },
      ]);
    return;
  }
  if (!decidedAt)
    throw new FeatureError(RegisterError.DatesInvalid, 'a decision needs decidedAt', [
      { path: 'decidedAt', message: 'required with a decision' },
    ]);
  if (decidedAt.getTime() < receivedAt.getTime() || decidedAt.getTime() > now.getTime() + 60_000)
    throw new FeatureError(RegisterError.DatesInvalid, 'decidedAt must be between receivedAt and now', [
      { path: 'decidedAt', message: 'between receivedAt and now' },
    ]);
  if (decision === 'refused' && disclosed)
    throw new FeatureError(RegisterError.DisclosureInvalid, 'a refused request discloses nothing', [
      { path: 'disclosed', message: 'not with decision refused' },
    ]);
  if (decision !== 'refused') {
    if (!disclosed)
      throw new FeatureError(RegisterError.DisclosureInvalid, 'say what was disclosed', [
        { path: 'disclosed', message: `required with decision ${decision}` },
      ]);
    if (instrument === 'informal')
      throw new FeatureError(
        RegisterError.DisclosureInvalid,
        'nothing is disclosed without legal process (a warrant, court order, summons or statutory notice)',
        [{ path: 'instrument.type', message: 'informal requests are refused' }],
      );
  }
}

/** The audited export a disclosure is: the request named, the customers and categories that went out. */
async function recordDisclosure(data: PlatformScope, requestId: string, tenantId: string, d: NonNullable<Disclosure>) {
  // Recorded in the platform's trail, not the tenant's: a tenant reading its own trail must not learn
  // of a request a legal bar keeps from it. The tenant hears of it through its notice.
  for (let i = 0; i === 0 || i < d.customerIds.length; i += 1000)
    await data.record({
      action: 'export',
      resource: { type: 'legal_request', id: requestId },
      tenantId: null,
      subjectIds: d.customerIds.slice(i, i + 1000),
      fields: d.categories.map((category) => ({ name: `tenant:${tenantId}`, category })),
      reason: 'legal_disclosure',
    });
}

const notFound = () => new FeatureError(RegisterError.LegalRequestNotFound, 'no such law-enforcement request');

@Injectable()
export class LegalRequestReader {
  constructor(
    private readonly repo: RegistersRepository,
    private readonly clock: RegistersClock,
  ) {}

  async view(data: PlatformScope, rows: LegalRequestRow[]): Promise<LegalRequestView[]> {
    const notices = await this.repo.noticesOf(
      data.tx,
      rows.map((r) => r.id),
    );
    const now = this.clock.now();
    return rows.map((r) =>
      legalRequestView(
        r,
        notices.find((n) => n.source_id === r.id)!,
        now,
      ),
    );
  }
}

@Handles(LegalRequestOps.create)
export class CreateLegalRequestUseCase implements UseCase<typeof LegalRequestOps.create> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: LegalRequestReader,
    private readonly notices: RegisterNotices,
    private readonly clock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof LegalRequestOps.create>, input: CreateLegalRequest) {
    const now = this.clock.now();
    const receivedAt = new Date(input.receivedAt);
    if (receivedAt.getTime() > now.getTime() + 60_000)
      throw new FeatureError(RegisterError.DatesInvalid, 'receivedAt is in the future', [
        { path: 'receivedAt', message: 'not after now' },
      ]);
    const decidedAt = input.decidedAt ? new Date(input.decidedAt) : null;
    checkDecision(input.instrument.type, input.decision, receivedAt, decidedAt, input.disclosed, now);
    const barUntil = input.bar ? new Date(input.bar.until) : null;
    if (barUntil && barUntil.getTime() <= receivedAt.getTime())
      throw new FeatureError(RegisterError.DatesInvalid, 'a legal bar must end after the request was received', [
        { path: 'bar.until', message: 'after receivedAt' },
      ]);
    const id = uuidv7();
    const by = { type: scope.ctx.actorType, id: scope.ctx.actorId };
    await this.access.run(scope, async (data) => {
      await this.repo.insertLegalRequest(data.tx, {
        id,
        authorityName: input.authority.name,
        authorityType: input.authority.type,
        instrumentType: input.instrument.type,
        instrumentReference: input.instrument.reference,
        tenantId: input.scope.tenantId,
        customerIds: input.scope.customerIds,
        categories: input.scope.categories,
        receivedAt,
        bar: input.bar && barUntil ? { reason: input.bar.reason, until: barUntil } : null,
        by,
        createdAt: now,
      });
      if (input.decision !== 'pending')
        await this.repo.insertDecision(data.tx, {
          requestId: id,
          decision: input.decision,
          decidedAt: decidedAt!,
          disclosed: input.disclosed ?? null,
          by,
          at: now,
        });
      // The tenant's owner is told now, or when the bar ends: the notice is a row due then.
      await this.repo.insertNotice(data.tx, {
        id: uuidv7(),
        sourceType: 'legal_request',
        sourceId: id,
        tenantId: input.scope.tenantId,
        recipientType: 'tenant_owner',
        customerId: null,
        dueAt: barUntil && barUntil.getTime() > now.getTime() ? barUntil : now,
        createdAt: now,
      });
      await data.record({
        resource: { id },
        tenantId: null,
        subjectIds: input.scope.customerIds.slice(0, 1000),
        reason: `authority_${input.authority.type}`,
      });
      if (input.disclosed) await recordDisclosure(data, id, input.scope.tenantId, input.disclosed);
    });
    await this.notices.runOnce(id);
    return this.access.run(
      scope,
      async (data) => (await this.reader.view(data, [(await this.repo.findLegalRequest(data.tx, id))!]))[0]!,
    );
  }
}

@Handles(LegalRequestOps.decide)
export class DecideLegalRequestUseCase implements UseCase<typeof LegalRequestOps.decide> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: LegalRequestReader,
    private readonly clock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof LegalRequestOps.decide>, input: DecideLegalRequest) {
    const now = this.clock.now();
    const found = await this.access.run(scope, (data) => this.repo.findLegalRequest(data.tx, input.id));
    if (!found) return this.access.refuse(scope, { resource: { id: input.id }, reason: 'not_found' }, notFound());
    if (found.decision)
      throw new FeatureError(RegisterError.AlreadyDecided, `the request was decided (${found.decision}) already`);
    checkDecision(
      found.instrument_type,
      input.decision,
      new Date(found.received_at),
      new Date(input.decidedAt),
      input.disclosed,
      now,
    );
    return this.access.run(scope, async (data) => {
      const by = { type: scope.ctx.actorType, id: scope.ctx.actorId };
      const inserted = await this.repo.insertDecision(data.tx, {
        requestId: input.id,
        decision: input.decision,
        decidedAt: new Date(input.decidedAt),
        disclosed: input.disclosed ?? null,
        by,
        at: now,
      });
      if (!inserted) throw new FeatureError(RegisterError.AlreadyDecided, 'the request was decided already');
      await data.record({ resource: { id: input.id }, tenantId: null, reason: `decision_${input.decision}` });
      if (input.disclosed) await recordDisclosure(data, input.id, found.tenant_id, input.disclosed);
      return (await this.reader.view(data, [(await this.repo.findLegalRequest(data.tx, input.id))!]))[0]!;
    });
  }
}

@Handles(LegalRequestOps.get)
export class GetLegalRequestUseCase implements UseCase<typeof LegalRequestOps.get> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: LegalRequestReader,
  ) {}

  async execute(scope: OperationScope<typeof LegalRequestOps.get>, input: { id: string }) {
    const view = await this.access.run(scope, async (data) => {
      const row = await this.repo.findLegalRequest(data.tx, input.id);
      if (!row) return null;
      await data.record({ resource: { id: input.id }, tenantId: null });
      return (await this.reader.view(data, [row]))[0]!;
    });
    return view ?? this.access.refuse(scope, { resource: { id: input.id }, reason: 'not_found' }, notFound());
  }
}

@Handles(LegalRequestOps.list)
export class ListLegalRequestsUseCase implements UseCase<typeof LegalRequestOps.list> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: LegalRequestReader,
  ) {}

  execute(
    scope: OperationScope<typeof LegalRequestOps.list>,
    q: { tenantId?: string; decision?: string; limit: number },
  ) {
    return this.access.run(scope, async (data) => {
      const rows = await this.repo.listLegalRequests(data.tx, q);
      await data.record({ tenantId: null });
      return { items: await this.reader.view(data, rows) };
    });
  }
}

/** The period a time falls in, in India Standard Time: `2026-11`, `2026-Q4`, `2026`. */
export function periodOf(at: Date, period: 'month' | 'quarter' | 'year'): string {
  const ist = new Date(at.getTime() + 330 * 60_000);
  const y = ist.getUTCFullYear();
  const m = ist.getUTCMonth();
  if (period === 'year') return String(y);
  if (period === 'quarter') return `${y}-Q${Math.floor(m / 3) + 1}`;
  return `${y}-${String(m + 1).padStart(2, '0')}`;
}

@Handles(LegalRequestOps.report)
export class LegalRequestReportUseCase implements UseCase<typeof LegalRequestOps.report> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
  ) {}

  async execute(scope: OperationScope<typeof LegalRequestOps.report>, q: LegalReportQuery): Promise<LegalReport> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (to.getTime() <= from.getTime())
      throw new FeatureError(RegisterError.DatesInvalid, 'to must be after from', [
        { path: 'to', message: 'after from' },
      ]);
    const rows = await this.access.run(scope, async (data) => {
      await data.record({ tenantId: null });
      return this.repo.reportRows(data.tx, from, to);
    });
    const byPeriod = new Map<string, number>();
    const byAuthorityType: Record<string, number> = Object.fromEntries(AuthorityTypes.map((t) => [t, 0]));
    const byDecision: Record<string, number> = Object.fromEntries(LegalDecisions.map((d) => [d, 0]));
    const cells = new Map<string, number>();
    for (const r of rows) {
      const period = periodOf(new Date(r.received_at), q.period);
      byPeriod.set(period, (byPeriod.get(period) ?? 0) + 1);
      byAuthorityType[r.authority_type] = (byAuthorityType[r.authority_type] ?? 0) + 1;
      byDecision[r.decision] = (byDecision[r.decision] ?? 0) + 1;
      const key = `${period}|${r.authority_type}|${r.decision}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      period: q.period,
      total: rows.length,
      byPeriod: [...byPeriod].sort(([a], [b]) => a.localeCompare(b)).map(([period, count]) => ({ period, count })),
      byAuthorityType,
      byDecision,
      rows: [...cells]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]) => {
          const [period, authorityType, decision] = key.split('|') as [string, string, string];
          return { period, authorityType, decision, count };
        }),
    };
  }
}
