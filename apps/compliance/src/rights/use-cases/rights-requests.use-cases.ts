import {
  FeatureError,
  OPEN_RIGHTS_STATUSES,
  ORCHESTRATED_RIGHTS_KINDS,
  PrivacyError,
  RIGHTS_SERVICES,
  RightsOps,
  decodeKeysetCursor,
  encodeKeysetCursor,
  uuidv7,
  type FileRightsRequest,
  type NoticeLanguage,
  type RightsRequestStatus,
} from '@lekha/contracts';
import { TenantAccess, type TenantScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { z } from 'zod';
import type {
  completeRightsRequestSchema,
  listRightsRequestsSchema,
  putRightsPolicySchema,
  rejectRightsRequestSchema,
  rightsResultRequestSchema,
} from '@lekha/contracts';
import { ErasureWorkflow } from '../erasure/erasure-workflow.js';
import { ErasureRepository, erasureState } from '../erasure/erasure.repository.js';
import { ConsentRepository } from '../../consent/consent.repository.js';
import { contentOf } from '../../privacy-notices/privacy-notice-view.js';
import { PrivacyNoticesRepository } from '../../privacy-notices/privacy-notices.repository.js';
import { documentLocale } from '../document-labels.js';
import { RightsClock } from '../rights-clock.js';
import { RightsRelay } from '../rights-relay.js';
import { openPartAtRest, rightsDocument, rightsDocumentHtml, rightsRequestView } from '../rights-view.js';
import { RightsRepository, type RightsRequestRow } from '../rights.repository.js';

const DAY_MS = 24 * 3600_000;
/** The reason a principal reads when their erasure request meets a legal hold. */
export const LEGAL_HOLD_REASON =
  'a legal hold stands on your data (a court, regulator or investigation requires it to be kept): it cannot be ' +
  'erased while the hold stands; you may file again once it is lifted';
const notFound = () => new FeatureError(PrivacyError.RequestNotFound, 'no such rights request');

async function viewOf(
  repo: RightsRepository,
  data: TenantScope,
  row: RightsRequestRow,
  now: Date,
  erasures?: ErasureRepository,
) {
  const view = rightsRequestView(data.cipher, row, await repo.parts(data, [row.id]), now);
  const erasure = erasures && row.kind === 'erasure' ? await erasureState(erasures, data, row.id) : null;
  return erasure ? { ...view, erasure } : view;
}

/** Audits a request's move to `status` (every transition is on the trail, with the principal as subject). */
function transition(data: TenantScope, row: { id: string; customer_id: string }, status: RightsRequestStatus) {
  return data.record({
    action: status === 'received' ? 'create' : 'update',
    resource: { type: 'rights_request', id: row.id },
    subjectIds: [row.customer_id],
    reason: `status_${status}`,
  });
}

/**
 * Files a principal's rights request. Filed by the tenant's staff for a customer by ID, it is verified
 * at once (the staff member's verified sign-in stands for the principal's identity); its due date comes
 * from the tenant's policy for the kind (by default 30 days, grievances 90). An access or export request
 * goes straight on to in_progress: a part per service is queued in the same transaction and the relay
 * asks for each until it arrives.
 * A request of the same principal and kind still open is joined: the open one is answered.
 */
@Handles(RightsOps.fileRequest)
export class FileRightsRequestUseCase implements UseCase<typeof RightsOps.fileRequest> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
    private readonly relay: RightsRelay,
    private readonly erasure: ErasureWorkflow,
    private readonly erasures: ErasureRepository,
  ) {}

  async execute(scope: OperationScope<typeof RightsOps.fileRequest>, input: FileRightsRequest) {
    const now = this.clock.now();
    const orchestrated = ORCHESTRATED_RIGHTS_KINDS.includes(input.kind);
    // An erasure is not run while a legal hold stands on the principal: it is filed and rejected at once.
    const held =
      input.kind === 'erasure' && scope.ctx.tenantId
        ? (await this.erasure.holdsOn(scope.ctx.tenantId, input.customerId)).length > 0
        : false;
    const view = await this.access.run(scope, async (data) => {
      const id = uuidv7();
      const inserted = await this.requests.insert(data, {
        id,
        kind: input.kind,
        customerId: input.customerId,
        status: orchestrated ? 'in_progress' : 'verified',
        detailsEnc: data.cipher.encrypt('rights.details', input.details) ?? null,
        receivedAt: now,
        verifiedAt: now,
        dueAt: new Date(now.getTime() + (await this.requests.dueDays(data))[input.kind] * DAY_MS),
        filedBy: { type: scope.ctx.actorType, id: scope.ctx.actorId },
      });
      if (!inserted) {
        const open = (await this.requests.findOpen(data, input.customerId, input.kind))!;
        await data.record({
          resource: { id: open.id },
          subjectIds: [input.customerId],
          reason: 'joined_open_request',
        });
        return { ...(await viewOf(this.requests, data, open, now)), joined: true };
      }
      const row = { id, customer_id: input.customerId };
      await transition(data, row, 'received');
      await transition(data, row, 'verified');
      if (held) {
        await this.requests.setStatus(data, id, {
          status: 'rejected',
          rejectedAt: now,
          rejectionEnc: data.cipher.encrypt('rights.rejection', LEGAL_HOLD_REASON)!,
        });
        await transition(data, row, 'rejected');
        return { ...(await viewOf(this.requests, data, (await this.requests.find(data, id))!, now)), joined: false };
      }
      if (input.kind === 'erasure') {
        await this.erasure.start(data, { id, customerId: input.customerId }, now);
        await transition(data, row, 'in_progress');
      } else if (orchestrated) {
        await this.requests.addParts(
          data,
          { id, kind: input.kind, customerId: input.customerId },
          RIGHTS_SERVICES,
          now,
        );
        await transition(data, row, 'in_progress');
      }
      const filed = (await this.requests.find(data, id))!;
      return { ...(await viewOf(this.requests, data, filed, now, this.erasures)), joined: false };
    });
    if (orchestrated && !view.joined && view.status === 'in_progress') this.relay.nudge();
    return view;
  }
}

/** The tenant's policy: days to answer each kind. */
@Handles(RightsOps.getPolicy)
export class GetRightsPolicyUseCase implements UseCase<typeof RightsOps.getPolicy> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
  ) {}

  execute(scope: OperationScope<typeof RightsOps.getPolicy>) {
    return this.access.run(scope, async (data) => {
      await data.record({});
      return { dueDays: await this.requests.dueDays(data) };
    });
  }
}

/** Sets the days to answer one kind; requests already filed keep their due date. */
@Handles(RightsOps.putPolicy)
export class PutRightsPolicyUseCase implements UseCase<typeof RightsOps.putPolicy> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
  ) {}

  execute(scope: OperationScope<typeof RightsOps.putPolicy>, input: z.output<typeof putRightsPolicySchema>) {
    return this.access.run(scope, async (data) => {
      await this.requests.putDueDays(data, input.kind, input.days);
      await data.record({ resource: { id: input.kind }, reason: `due_days_${input.days}` });
      return { dueDays: await this.requests.dueDays(data) };
    });
  }
}

/** The tenant's queue of requests, newest first; `overdue=true` lists the open ones past their due date. */
@Handles(RightsOps.listRequests)
export class ListRightsRequestsUseCase implements UseCase<typeof RightsOps.listRequests> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
  ) {}

  execute(scope: OperationScope<typeof RightsOps.listRequests>, q: z.output<typeof listRightsRequestsSchema>) {
    const now = this.clock.now();
    const before = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      const rows = await this.requests.list(data, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        now,
        ...(before ? { before: { at: before.at, id: before.id } } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const parts = await this.requests.parts(
        data,
        page.map((r) => r.id),
      );
      await data.record({ subjectIds: [...new Set(page.map((r) => r.customer_id))] });
      const last = page[page.length - 1];
      return {
        items: page.map((r) => rightsRequestView(data.cipher, r, parts, now)),
        nextCursor: rows.length > q.limit && last ? encodeKeysetCursor(last.received_at, last.id) : null,
      };
    });
  }
}

/** One request; another tenant's is a 404, audited as denied. */
@Handles(RightsOps.getRequest)
export class GetRightsRequestUseCase implements UseCase<typeof RightsOps.getRequest> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
    private readonly erasures: ErasureRepository,
  ) {}

  execute(scope: OperationScope<typeof RightsOps.getRequest>, input: { id: string }) {
    return this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id);
        if (!row) return null;
        await data.record({ resource: { id: row.id }, subjectIds: [row.customer_id] });
        return viewOf(this.requests, data, row, this.clock.now(), this.erasures);
      },
      notFound,
    );
  }
}

/**
 * The access or export document of a completed request, assembled from the services' parts (each
 * stored encrypted under the tenant's key), as JSON and, with `format=html`, as a readable page.
 */
@Handles(RightsOps.requestResult)
export class RightsRequestResultUseCase implements UseCase<typeof RightsOps.requestResult> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
    private readonly consents: ConsentRepository,
    private readonly notices: PrivacyNoticesRepository,
  ) {}

  /**
   * The page's locale: the language asked for, else that of the notice the principal's latest consent was
   * given under; English (and the English notice's labels, if any) when the tenant has no notice in it.
   */
  private async locale(data: TenantScope, customerId: string, asked: NoticeLanguage | undefined) {
    const wanted =
      asked ?? ((await this.consents.list(data, { customerId }))[0]?.notice_language as NoticeLanguage | undefined);
    const notice = wanted ? await this.notices.current(data, wanted) : null;
    if (notice) return documentLocale(notice.language, contentOf(notice));
    const en = await this.notices.current(data, 'en');
    return documentLocale('en', en ? contentOf(en) : null);
  }

  async execute(
    scope: OperationScope<typeof RightsOps.requestResult>,
    input: z.output<typeof rightsResultRequestSchema>,
  ) {
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id);
        if (!row) return null;
        if (!ORCHESTRATED_RIGHTS_KINDS.includes(row.kind) || row.status !== 'completed') {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'result_not_ready' });
          return { notReady: row };
        }
        // A part whose document was dropped by the principal's later erasure is left out.
        const parts = (await this.requests.parts(data, [row.id]))
          .filter((p) => p.part_enc)
          .map((p) => openPartAtRest(data.cipher, p.part_enc!));
        await data.record({
          resource: { id: row.id },
          subjectIds: [row.customer_id],
          fields: [...new Set(parts.flatMap((p) => p.holdings.filter((h) => h.count > 0).map((h) => h.category)))].map(
            (category) => ({ name: 'rights_document', category }),
          ),
        });
        const document = rightsDocument(row, parts, this.clock.now());
        const locale = await this.locale(data, row.customer_id, input.language);
        return {
          document,
          html: input.format === 'html' ? rightsDocumentHtml(document, locale) : null,
          language: locale.language,
        };
      },
      notFound,
    );
    if (result.notReady)
      throw new FeatureError(
        PrivacyError.ResultNotReady,
        ORCHESTRATED_RIGHTS_KINDS.includes(result.notReady.kind)
          ? `the request is ${result.notReady.status}: its document is ready once every service has answered`
          : `a ${result.notReady.kind} request has no document`,
      );
    return { document: result.document!, html: result.html ?? null, language: result.language! };
  }
}

/** Rejects an open request with a reason the principal sees (encrypted at rest). */
@Handles(RightsOps.rejectRequest)
export class RejectRightsRequestUseCase implements UseCase<typeof RightsOps.rejectRequest> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
  ) {}

  async execute(
    scope: OperationScope<typeof RightsOps.rejectRequest>,
    input: z.output<typeof rejectRightsRequestSchema>,
  ) {
    const now = this.clock.now();
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id, true);
        if (!row) return null;
        if (!OPEN_RIGHTS_STATUSES.includes(row.status)) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: `already_${row.status}` });
          return { closed: row.status };
        }
        await this.requests.setStatus(data, row.id, {
          status: 'rejected',
          rejectedAt: now,
          rejectionEnc: data.cipher.encrypt('rights.rejection', input.reason)!,
        });
        await transition(data, row, 'rejected');
        return { view: await viewOf(this.requests, data, (await this.requests.find(data, row.id))!, now) };
      },
      notFound,
    );
    if ('closed' in result)
      throw new FeatureError(PrivacyError.RequestClosed, `the request is already ${result.closed}`);
    return result.view;
  }
}

/**
 * Completes an open request the tenant handles itself (a grievance resolved, a nomination recorded), with
 * a note of what was done. Access and export requests complete by themselves once every service answered.
 */
@Handles(RightsOps.completeRequest)
export class CompleteRightsRequestUseCase implements UseCase<typeof RightsOps.completeRequest> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly clock: RightsClock,
  ) {}

  async execute(
    scope: OperationScope<typeof RightsOps.completeRequest>,
    input: z.output<typeof completeRightsRequestSchema>,
  ) {
    const now = this.clock.now();
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id, true);
        if (!row) return null;
        if (!OPEN_RIGHTS_STATUSES.includes(row.status)) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: `already_${row.status}` });
          return { refused: new FeatureError(PrivacyError.RequestClosed, `the request is already ${row.status}`) };
        }
        if (ORCHESTRATED_RIGHTS_KINDS.includes(row.kind)) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'completes_itself' });
          return {
            refused: new FeatureError(
              PrivacyError.RequestCompletesItself,
              `an ${row.kind} request completes once every service has answered`,
            ),
          };
        }
        await this.requests.setStatus(data, row.id, {
          status: 'completed',
          completedAt: now,
          noteEnc: data.cipher.encrypt('rights.note', input.note)!,
        });
        await transition(data, row, 'completed');
        return { view: await viewOf(this.requests, data, (await this.requests.find(data, row.id))!, now) };
      },
      notFound,
    );
    if ('refused' in result) throw result.refused;
    return result.view;
  }
}
