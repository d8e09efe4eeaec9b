import { Injectable } from '@nestjs/common';
import {
  FeatureError,
  IncidentOps,
  IncidentStatuses,
  RegisterError,
  uuidv7,
  type AffectedPrincipal,
  type CreateIncident,
  type IncidentStatus,
  type NotifyIncident,
} from '@lekha/contracts';
import { PlatformAccess, type PlatformScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RegisterNotices } from '../register-notices.js';
import { RegistersClock } from '../registers-clock.js';
import { RegistersOptions } from '../registers-options.js';
import { incidentView, noticeView, statusOf } from '../registers-views.js';
import { RegistersRepository, arr, iso, type IncidentRow } from '../registers.repository.js';

const HOUR = 3_600_000;
const notFound = () => new FeatureError(RegisterError.IncidentNotFound, 'no such incident');
const actorOf = (scope: OperationScope) => ({ type: scope.ctx.actorType, id: scope.ctx.actorId });

/** Records an access to principals in chunks the audit event allows (1,000 subjects each). */
async function recordSubjects(data: PlatformScope, id: string, subjectIds: string[], reason: string) {
  for (let i = 0; i === 0 || i < subjectIds.length; i += 1000)
    await data.record({ resource: { id }, tenantId: null, subjectIds: subjectIds.slice(i, i + 1000), reason });
}

/** Reads incidents with their timelines and notices; derives affected principals from the audit index. */
@Injectable()
export class IncidentReader {
  constructor(
    private readonly repo: RegistersRepository,
    private readonly clock: RegistersClock,
  ) {}

  async views(data: PlatformScope, rows: IncidentRow[]) {
    const ids = rows.map((r) => r.id);
    const [events, notices] = [await this.repo.eventsOf(data.tx, ids), await this.repo.noticesOf(data.tx, ids)];
    const now = this.clock.now();
    return rows.map((r) => incidentView(r, events, notices, now));
  }

  /** The customers the involved actor or key reached in the window, in the incident's tenants. */
  async affected(data: PlatformScope, i: IncidentRow): Promise<AffectedPrincipal[]> {
    const rows = await this.repo.affected(data.tx, {
      tenantIds: i.tenant_ids,
      actorType: i.involved_type,
      actorId: i.involved_id,
      from: new Date(i.window_from),
      to: new Date(i.window_to),
    });
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      customerId: r.customer_id,
      accesses: Number(r.accesses),
      firstAt: iso(r.first_at),
      lastAt: iso(r.last_at),
      categories: arr(r.categories).sort(),
    }));
  }
}

/** Runs `fn` on an incident; a missing one is refused 404, audited as denied. */
async function onIncident<T>(
  access: PlatformAccess,
  repo: RegistersRepository,
  scope: OperationScope,
  id: string,
  fn: (data: PlatformScope, incident: IncidentRow) => Promise<T>,
): Promise<T> {
  const result = await access.run(scope, async (data) => {
    const incident = await repo.findIncident(data.tx, id);
    return incident ? { value: await fn(data, incident) } : null;
  });
  if (!result) return access.refuse(scope, { resource: { id }, reason: 'not_found' }, notFound());
  return result.value;
}

@Handles(IncidentOps.create)
export class CreateIncidentUseCase implements UseCase<typeof IncidentOps.create> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
    private readonly clock: RegistersClock,
    private readonly options: RegistersOptions,
  ) {}

  async execute(scope: OperationScope<typeof IncidentOps.create>, input: CreateIncident) {
    const now = this.clock.now();
    const detectedAt = new Date(input.detectedAt);
    const from = new Date(input.window.from);
    const to = new Date(input.window.to);
    const bad = (path: string, message: string) =>
      new FeatureError(RegisterError.DatesInvalid, `${path}: ${message}`, [{ path, message }]);
    if (to.getTime() <= from.getTime()) throw bad('window.to', 'after window.from');
    if (detectedAt.getTime() > now.getTime() + 60_000) throw bad('detectedAt', 'not after now');
    if (from.getTime() > detectedAt.getTime()) throw bad('window.from', 'not after detectedAt');
    const id = uuidv7();
    return this.access.run(scope, async (data) => {
      const by = actorOf(scope);
      await this.repo.insertIncident(data.tx, {
        id,
        detectedAt,
        description: input.description,
        categories: input.categories,
        tenantIds: [...new Set(input.tenantIds)],
        window: { from, to },
        involved: input.involved,
        certIn: input.certIn,
        due: {
          boardIntimation: new Date(detectedAt.getTime() + this.options.boardIntimationHours * HOUR),
          boardReport: new Date(detectedAt.getTime() + this.options.boardReportHours * HOUR),
          certIn: new Date(detectedAt.getTime() + this.options.certInHours * HOUR),
        },
        by,
        createdAt: now,
      });
      await this.repo.insertEvent(data.tx, {
        id: uuidv7(),
        incidentId: id,
        at: now,
        kind: 'status',
        status: 'detected',
        detail: { status: 'detected', detectedAt: detectedAt.toISOString() },
        by,
      });
      await data.record({ resource: { id }, tenantId: null, reason: `involved_${input.involved.type}` });
      return (await this.reader.views(data, [(await this.repo.findIncident(data.tx, id))!]))[0]!;
    });
  }
}

@Handles(IncidentOps.list)
export class ListIncidentsUseCase implements UseCase<typeof IncidentOps.list> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
  ) {}

  execute(scope: OperationScope<typeof IncidentOps.list>, q: { status?: IncidentStatus; limit: number }) {
    return this.access.run(scope, async (data) => {
      await data.record({ tenantId: null });
      // Filtered by status after the timeline is read (a register holds few incidents).
      const views = await this.reader.views(data, await this.repo.listIncidents(data.tx, q.status ? 1000 : q.limit));
      return { items: (q.status ? views.filter((v) => v.status === q.status) : views).slice(0, q.limit) };
    });
  }
}

@Handles(IncidentOps.get)
export class GetIncidentUseCase implements UseCase<typeof IncidentOps.get> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
  ) {}

  execute(scope: OperationScope<typeof IncidentOps.get>, input: { id: string }) {
    return onIncident(this.access, this.repo, scope, input.id, async (data, incident) => {
      await data.record({ resource: { id: input.id }, tenantId: null });
      return (await this.reader.views(data, [incident]))[0]!;
    });
  }
}

@Handles(IncidentOps.affected)
export class IncidentAffectedUseCase implements UseCase<typeof IncidentOps.affected> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
  ) {}

  execute(scope: OperationScope<typeof IncidentOps.affected>, input: { id: string }) {
    return onIncident(this.access, this.repo, scope, input.id, async (data, incident) => {
      const items = await this.reader.affected(data, incident);
      await recordSubjects(
        data,
        input.id,
        items.map((p) => p.customerId),
        'affected_principals',
      );
      return {
        items,
        total: items.length,
        derivedFrom: {
          actor: { type: incident.involved_type, id: incident.involved_id },
          from: iso(incident.window_from),
          to: iso(incident.window_to),
          tenantIds: incident.tenant_ids,
        },
      };
    });
  }
}

@Handles(IncidentOps.status)
export class IncidentStatusUseCase implements UseCase<typeof IncidentOps.status> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
    private readonly clock: RegistersClock,
  ) {}

  execute(
    scope: OperationScope<typeof IncidentOps.status>,
    input: { id: string; status: IncidentStatus; note?: string },
  ) {
    return onIncident(this.access, this.repo, scope, input.id, async (data, incident) => {
      const events = await this.repo.eventsOf(data.tx, [incident.id]);
      const current = statusOf(events);
      if (IncidentStatuses.indexOf(input.status) <= IncidentStatuses.indexOf(current))
        throw new FeatureError(
          RegisterError.StatusInvalid,
          `the incident is ${current}: ${input.status} is no step forward`,
        );
      if (input.status === 'closed') {
        const filed = new Set(events.map((e) => e.stage).filter(Boolean));
        const needed = ['board_intimation', 'board_report', ...(incident.cert_in ? ['cert_in'] : [])];
        const open = needed.filter((s) => !filed.has(s));
        if (open.length)
          throw new FeatureError(RegisterError.StagesOpen, `file ${open.join(', ')} before closing the incident`, [
            { path: 'status', message: `open filings: ${open.join(', ')}` },
          ]);
      }
      const inserted = await this.repo.insertEvent(data.tx, {
        id: uuidv7(),
        incidentId: incident.id,
        at: this.clock.now(),
        kind: 'status',
        status: input.status,
        detail: { status: input.status, from: current, ...(input.note ? { note: input.note } : {}) },
        by: actorOf(scope),
      });
      if (!inserted) throw new FeatureError(RegisterError.StatusInvalid, `the incident was ${input.status} already`);
      await data.record({ resource: { id: incident.id }, tenantId: null, reason: `status_${input.status}` });
      return (await this.reader.views(data, [incident]))[0]!;
    });
  }
}

@Handles(IncidentOps.stage)
export class IncidentStageUseCase implements UseCase<typeof IncidentOps.stage> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
    private readonly clock: RegistersClock,
  ) {}

  execute(
    scope: OperationScope<typeof IncidentOps.stage>,
    input: { id: string; stage: 'board_intimation' | 'board_report' | 'cert_in'; filedAt: string; reference: string },
  ) {
    return onIncident(this.access, this.repo, scope, input.id, async (data, incident) => {
      const filedAt = new Date(input.filedAt);
      const now = this.clock.now();
      if (filedAt.getTime() < new Date(incident.detected_at).getTime() || filedAt.getTime() > now.getTime() + 60_000)
        throw new FeatureError(RegisterError.DatesInvalid, 'filedAt must be between detectedAt and now', [
          { path: 'filedAt', message: 'between detectedAt and now' },
        ]);
      if (input.stage === 'cert_in' && !incident.cert_in)
        throw new FeatureError(RegisterError.StatusInvalid, 'the incident is not one CERT-In is told of');
      const inserted = await this.repo.insertEvent(data.tx, {
        id: uuidv7(),
        incidentId: incident.id,
        at: now,
        kind: 'stage',
        stage: input.stage,
        detail: { stage: input.stage, filedAt: filedAt.toISOString(), reference: input.reference },
        by: actorOf(scope),
      });
      if (!inserted) throw new FeatureError(RegisterError.StageFiled, `${input.stage} is recorded already`);
      await data.record({ resource: { id: incident.id }, tenantId: null, reason: `filed_${input.stage}` });
      return (await this.reader.views(data, [incident]))[0]!;
    });
  }
}

@Handles(IncidentOps.notify)
export class NotifyIncidentUseCase implements UseCase<typeof IncidentOps.notify> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly reader: IncidentReader,
    private readonly notices: RegisterNotices,
    private readonly clock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof IncidentOps.notify>, input: NotifyIncident) {
    const { id, ...content } = input;
    /** The notices this call adds (a repeated call adds none for principals already notified). */
    const addedIds = new Set<string>();
    const counts = await onIncident(this.access, this.repo, scope, id, async (data, incident) => {
      const now = this.clock.now();
      const by = actorOf(scope);
      await this.repo.noticeText(data.tx, id, content, by, now);
      const affected = await this.reader.affected(data, incident);
      const notice = async (tenantId: string, customerId: string | null) => {
        const noticeId = uuidv7();
        const inserted = await this.repo.insertNotice(data.tx, {
          id: noticeId,
          sourceType: 'incident',
          sourceId: id,
          tenantId,
          recipientType: customerId ? 'customer' : 'tenant_owner',
          customerId,
          dueAt: now,
          createdAt: now,
        });
        if (inserted) addedIds.add(noticeId);
      };
      for (const tenantId of incident.tenant_ids) await notice(tenantId, null);
      for (const p of affected) await notice(p.tenantId, p.customerId);
      const added = addedIds.size;
      if (added)
        await this.repo.insertEvent(data.tx, {
          id: uuidv7(),
          incidentId: id,
          at: now,
          kind: 'notify',
          detail: { noticesAdded: added, principals: affected.length, tenants: incident.tenant_ids.length },
          by,
        });
      await recordSubjects(
        data,
        id,
        affected.map((p) => p.customerId),
        'breach_notices',
      );
      return { principals: affected.length, tenants: incident.tenant_ids.length };
    });
    // Handed over now; the background round may have taken some first (rounds never overlap), so `sent`
    // counts this call's notices that are handed over by the time it answers, whichever round took them.
    await this.notices.runOnce(id);
    const items = await this.access.run(scope, async (data) => this.repo.noticesOf(data.tx, [id]));
    const sent = items.filter((n) => addedIds.has(String(n.id)) && n.sent_at !== null).length;
    const now = this.clock.now();
    return { ...counts, sent, items: items.map((n) => noticeView(n, now)) };
  }
}

@Handles(IncidentOps.notices)
export class IncidentNoticesUseCase implements UseCase<typeof IncidentOps.notices> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly repo: RegistersRepository,
    private readonly notices: RegisterNotices,
    private readonly clock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof IncidentOps.notices>, input: { id: string }) {
    const rows = await onIncident(this.access, this.repo, scope, input.id, async (data) => {
      const rows = await this.repo.noticesOf(data.tx, [input.id]);
      await data.record({ resource: { id: input.id }, tenantId: null });
      return rows;
    });
    // Asked outside the transaction: the embedded database has one connection, the bus call none.
    await this.notices.refreshDelivery(rows);
    const now = this.clock.now();
    return { items: rows.map((n) => noticeView(n, now)) };
  }
}
