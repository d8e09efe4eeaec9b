import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type AuditEventV1, type AuditQuery, type Page } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { hasPermission, type RequestContext } from '@lekha/tenancy';
import { AuditIndexRepository } from '../audit-index.repository.js';

/**
 * A tenant owner (or admin) sees only their tenant's events; platform compliance sees every
 * tenant. Events carry pseudonymous IDs only, so neither sees customer data here.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): { occurredAt: string; eventId: string } {
  const [occurredAt = '', eventId = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!UUID.test(eventId) || Number.isNaN(Date.parse(occurredAt))) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is invalid', [{ path: 'cursor', message: 'not a cursor from this API' }]);
  }
  return { occurredAt, eventId };
}

@Injectable()
export class QueryAuditUseCase {
  constructor(
    private readonly repo: AuditIndexRepository,
    private readonly db: Database,
    private readonly audit: AuditOutbox,
  ) {}

  async execute(ctx: RequestContext, q: AuditQuery): Promise<Page<AuditEventV1>> {
    const platform = hasPermission(ctx.roles, 'audit:read:platform');
    const tenantScoped = !platform && hasPermission(ctx.roles, 'audit:read:tenant') && ctx.tenantId;
    if (!platform && !tenantScoped) {
      await this.db.em().transactional((tx) => this.audit.record(tx, { action: 'read', resource: { type: 'audit_event', id: null }, outcome: 'denied', reason: 'forbidden' }));
      throw new DomainError('FORBIDDEN', 'your role may not read the audit trail');
    }
    if (!platform && q.tenantId && q.tenantId !== ctx.tenantId) throw new DomainError('FORBIDDEN', 'you may read only your own tenant’s audit trail');
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.repo.query({ ...q, tenantId: platform ? q.tenantId : ctx.tenantId!, before, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    await this.db.em().transactional((tx) =>
      this.audit.record(tx, { action: 'read', resource: { type: 'audit_event', id: null }, subjectIds: q.subjectId ? [q.subjectId] : [] }),
    );
    const last = items[items.length - 1]?.payload;
    return { items: items.map((r) => r.payload), nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.occurredAt}|${last.eventId}`).toString('base64url') : null };
  }
}
