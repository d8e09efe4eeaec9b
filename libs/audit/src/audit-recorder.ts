import { AUDIT_EVENTS_TOPIC, auditEventV1Schema, uuidv7, type AuditEventV1 } from '@lekha/contracts';
import { currentContext } from '@lekha/tenancy';

export { AUDIT_EVENTS_TOPIC };

/** What a use case says about an access; the rest comes from the request context. */
export interface AccessRecord {
  action: AuditEventV1['action'];
  resource: { type: string; id: string | null; ids?: string[] };
  subjectIds?: string[];
  outcome?: AuditEventV1['outcome'];
  reason?: string;
  fields?: { name: string; category: string }[];
  /** Override the context's tenant (e.g. signup, where the tenant is being created). */
  tenantId?: string | null;
  actorId?: string | null;
  actorType?: AuditEventV1['actor']['type'];
}

/** Builds validated audit events for one service. */
export class AuditEventFactory {
  constructor(readonly service: string) {}

  build(record: AccessRecord): AuditEventV1 {
    const ctx = currentContext();
    const event: AuditEventV1 = {
      schema: 'lekha.audit/1',
      eventId: uuidv7(),
      occurredAt: new Date().toISOString(),
      service: this.service,
      tenantId: record.tenantId !== undefined ? record.tenantId : (ctx?.tenantId ?? null),
      actor: {
        type: record.actorType ?? ctx?.actorType ?? 'anonymous',
        id: record.actorId !== undefined ? record.actorId : (ctx?.actorId ?? null),
        roles: ctx?.roles ?? [],
        // Sealed at the edge to the tenant's erasable key; absent when the key was unavailable.
        ...(ctx?.auditNetwork ? { network: ctx.auditNetwork } : {}),
        // A support engineer's access names the grant it was made under.
        ...(ctx?.grantId && (record.actorType ?? ctx.actorType) === 'support' ? { grantId: ctx.grantId } : {}),
      },
      action: record.action,
      resource: record.resource,
      subjectIds: record.subjectIds ?? [],
      outcome: record.outcome ?? 'allowed',
      ...(record.reason ? { reason: record.reason } : {}),
      purpose: ctx?.purpose ?? 'service_delivery',
      fields: record.fields ?? [],
      requestId: ctx?.requestId ?? null,
      traceId: ctx?.traceId ?? null,
    };
    return auditEventV1Schema.parse(event);
  }
}
