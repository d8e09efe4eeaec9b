import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, decodeKeysetCursor, type AuditEventView, type AuditQuery, type Page } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { hasPermission, type RequestContext } from '@lekha/tenancy';
import { AuditIndexRepository } from '../audit-index.repository.js';
import { AuditNetworkKeys } from '../audit-network-keys.js';

/**
 * A tenant owner (or admin) sees only their tenant's events; platform compliance sees every
 * tenant. Events carry pseudonymous IDs only, so neither sees customer data here.
 */

/** The shared keyset codec: a forged cursor (shape, UUID, time out of range) is a 400 naming `cursor`. */
function decodeCursor(cursor: string): { occurredAt: string; eventId: string } {
  const { time, id } = decodeKeysetCursor(cursor);
  return { occurredAt: time, eventId: id };
}

@Injectable()
export class QueryAuditUseCase {
  constructor(
    private readonly repo: AuditIndexRepository,
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly networkKeys: AuditNetworkKeys,
  ) {}

  async execute(ctx: RequestContext, q: AuditQuery): Promise<Page<AuditEventView>> {
    const platform = hasPermission(ctx.roles, 'audit:read:platform');
    const tenantScoped = !platform && hasPermission(ctx.roles, 'audit:read:tenant') && ctx.tenantId;
    const resource = { type: 'audit_event', id: q.tenantId ?? null };
    const deny = (reason: string) =>
      this.db
        .em()
        .transactional((tx) => this.audit.record(tx, { action: 'read', resource, outcome: 'denied', reason }));
    if (!platform && !tenantScoped) {
      await deny('forbidden');
      throw new DomainError('FORBIDDEN', 'your role may not read the audit trail');
    }
    if (!platform && q.tenantId && q.tenantId !== ctx.tenantId) {
      await deny('other_tenant');
      throw new DomainError('FORBIDDEN', 'you may read only your own tenant’s audit trail');
    }
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.repo.query({
      ...q,
      tenantId: platform ? q.tenantId : ctx.tenantId!,
      before,
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    const withNetwork = q.include === 'network';
    // Opened before the transaction below (PGlite has one connection); returned only after it commits.
    const views: AuditEventView[] = [];
    for (const { payload } of items) {
      views.push(
        withNetwork && payload.actor.network
          ? { ...payload, network: await this.networkKeys.open(payload.actor.network) }
          : payload,
      );
    }
    const opened = views.some((v) => v.network && !('erased' in v.network));
    await this.db.em().transactional((tx) =>
      this.audit.record(tx, {
        action: 'read',
        resource: { type: 'audit_event', id: null },
        subjectIds: q.subjectId ? [q.subjectId] : [],
        ...(opened
          ? {
              fields: [
                { name: 'actor.ip', category: 'user.network' },
                { name: 'actor.userAgent', category: 'user.network' },
              ],
            }
          : {}),
      }),
    );
    const last = items[items.length - 1]?.payload;
    return {
      items: views,
      nextCursor:
        rows.length > q.limit && last ? Buffer.from(`${last.occurredAt}|${last.eventId}`).toString('base64url') : null,
    };
  }
}
