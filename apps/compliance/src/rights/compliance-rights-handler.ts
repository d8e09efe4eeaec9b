import { Injectable } from '@nestjs/common';
import { TenantAccess } from '@lekha/access';
import type { RightsActivity, RightsErasure, RightsPart, RightsPartRequestedEvent } from '@lekha/contracts';
import type { RightsHandler } from '@lekha/runtime';
import { AuditIndexRepository } from '../audit-index/audit-index.repository.js';
import { statusOf } from '../consent/consent-view.js';
import { ConsentRepository } from '../consent/consent.repository.js';
import { COMPLIANCE_PERSONAL_DATA } from './personal-data.js';
import { Database } from '@lekha/persistence';
import { RegistersRepository } from '../registers/registers.repository.js';
import { ErasureWorkflow } from './erasure/erasure-workflow.js';
import { RightsClock } from './rights-clock.js';
import { RightsRepository } from './rights.repository.js';

const iso = (v: Date | string) => new Date(v).toISOString();
const declared = (table: string) => COMPLIANCE_PERSONAL_DATA.find((d) => d.table === table)!;

/**
 * Compliance's part: the principal's consent records (as given, with withdrawals), their rights
 * requests, and the processing on the audit trail that named them as subject — action, when, service
 * and the actor's role, never who (another person's data).
 */
@Injectable()
export class ComplianceRightsHandler implements RightsHandler {
  readonly service = 'compliance' as const;
  readonly declarations = COMPLIANCE_PERSONAL_DATA;

  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
    private readonly requests: RightsRepository,
    private readonly audit: AuditIndexRepository,
    private readonly clock: RightsClock,
    private readonly registers: RegistersRepository,
    private readonly db: Database,
    private readonly erasure: ErasureWorkflow,
  ) {}

  /** Compliance's own erasure (see `ErasureWorkflow.eraseOwn`): consent evidence kept as a non-personal proof. */
  async erase(request: RightsPartRequestedEvent): Promise<RightsErasure> {
    const notices = await this.registers.noticesToCustomer(this.db.em(), request.tenantId, request.customerId);
    return this.erasure.eraseOwn(request.tenantId, request.customerId, request.requestId, notices.length);
  }

  async part(request: RightsPartRequestedEvent): Promise<RightsPart> {
    const now = this.clock.now();
    const held = await this.access.runAsService(request.tenantId, this.service, async (data) => {
      const consents = await this.consents.list(data, { customerId: request.customerId });
      const requests = await this.requests.list(data, { customerId: request.customerId, now, limit: 500 });
      await data.record({
        resource: { type: 'rights_request', id: request.requestId },
        subjectIds: [request.customerId],
        reason: `rights_${request.kind}`,
        fields: [{ name: 'consents', category: 'user.consent' }],
      });
      return { consents, requests, cipher: data.cipher };
    });
    const events = await this.audit.query({ tenantId: request.tenantId, subjectId: request.customerId, limit: 1000 });
    const activities: RightsActivity[] = events.map(({ payload: e }) => ({
      at: e.occurredAt,
      service: e.service,
      action: e.action,
      resourceType: e.resource.type,
      actor: e.actor.roles.length ? e.actor.roles.join(', ') : e.actor.type,
      outcome: e.outcome,
    }));
    const consents = held?.consents ?? [];
    const requests = held?.requests ?? [];
    const notices = held
      ? await this.registers.noticesToCustomer(this.db.em(), request.tenantId, request.customerId)
      : [];
    const noticeDecl = declared('compliance.register_notices');
    const consentDecl = declared('compliance.consent_records');
    const requestDecl = declared('compliance.rights_requests');
    return {
      service: this.service,
      holdings: [
        {
          what: consentDecl.what,
          category: consentDecl.category,
          purpose: consentDecl.purpose,
          since: consents.length ? iso(consents[consents.length - 1]!.given_at) : null,
          count: consents.length,
          items: consents.map((c) => ({
            purpose: c.purpose,
            address: held!.cipher.decrypt('consent.address', c.address_enc),
            notice: `${c.notice_version} (${c.notice_language})`,
            channel: c.channel,
            givenAt: iso(c.given_at),
            status: statusOf(c, now),
            withdrawnAt: c.withdrawn_at ? iso(c.withdrawn_at) : null,
          })),
        },
        {
          what: requestDecl.what,
          category: requestDecl.category,
          purpose: requestDecl.purpose,
          since: requests.length ? iso(requests[requests.length - 1]!.received_at) : null,
          count: requests.length,
          items: requests.map((r) => ({ kind: r.kind, status: r.status, receivedAt: iso(r.received_at) })),
        },
        {
          what: noticeDecl.what,
          category: noticeDecl.category,
          purpose: noticeDecl.purpose,
          since: notices.length ? iso(notices[0]!.created_at) : null,
          count: notices.length,
          items: notices.map((n) => ({
            about: n.source_type,
            sentAt: n.sent_at ? iso(n.sent_at) : null,
            delivery: n.delivery_status,
          })),
        },
      ],
      sharedWith: [],
      activities,
    };
  }
}
