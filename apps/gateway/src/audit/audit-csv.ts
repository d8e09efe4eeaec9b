import type { AuditEventV1 } from '@lekha/contracts';
import { csvCell } from '../common/csv-cell.js';

export const CSV_COLUMNS = [
  'occurredAt',
  'eventId',
  'tenantId',
  'service',
  'actorType',
  'actorId',
  'actorRoles',
  'action',
  'resourceType',
  'resourceId',
  'outcome',
  'reason',
  'subjectIds',
  'fields',
  'purpose',
  'requestId',
  'traceId',
] as const;

export function csvRow(e: AuditEventV1): string {
  return [
    e.occurredAt,
    e.eventId,
    e.tenantId,
    e.service,
    e.actor.type,
    e.actor.id,
    e.actor.roles.join(';'),
    e.action,
    e.resource.type,
    // One access to many resources names them all: listed like the subjects.
    e.resource.id ?? e.resource.ids?.join(';') ?? null,
    e.outcome,
    e.reason ?? '',
    e.subjectIds.join(';'),
    e.fields.map((f) => `${f.name}:${f.category}`).join(';'),
    e.purpose,
    e.requestId,
    e.traceId,
  ]
    .map((v) => csvCell(v))
    .join(',');
}
