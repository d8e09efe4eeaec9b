import {
  AuditOps,
  decodeKeysetCursor,
  type AuditEventView,
  type AuditQuery,
  type Page,
  FeatureError,
  AuditError,
} from '@lekha/contracts';
import { PlatformAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { hasPermission } from '@lekha/tenancy';
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

type Op = typeof AuditOps.query;

@Handles(AuditOps.query)
export class QueryAuditUseCase implements UseCase<Op> {
  constructor(
    private readonly repo: AuditIndexRepository,
    private readonly access: PlatformAccess,
    private readonly networkKeys: AuditNetworkKeys,
  ) {}

  async execute(scope: OperationScope<Op>, q: AuditQuery): Promise<Page<AuditEventView>> {
    const { ctx } = scope;
    // The runner let in a caller with either permission; which tenants they may read is decided here.
    const platform = hasPermission(ctx.roles, 'audit:read:platform');
    const resource = { id: q.tenantId ?? null };
    if (!platform && !ctx.tenantId)
      await this.access.refuse(
        scope,
        { resource, reason: 'forbidden' },
        new FeatureError(AuditError.RoleNotAllowed, 'your role may not read the audit trail'),
      );
    if (!platform && q.tenantId && q.tenantId !== ctx.tenantId)
      await this.access.refuse(
        scope,
        { resource, reason: 'other_tenant' },
        new FeatureError(AuditError.OtherTenant, 'you may read only your own tenant’s audit trail'),
      );
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
    await this.access.record(scope, {
      subjectIds: q.subjectId ? [q.subjectId] : [],
      ...(opened
        ? {
            fields: [
              { name: 'actor.ip', category: 'user.network' },
              { name: 'actor.userAgent', category: 'user.network' },
            ],
          }
        : {}),
    });
    const last = items[items.length - 1]?.payload;
    return {
      items: views,
      nextCursor:
        rows.length > q.limit && last ? Buffer.from(`${last.occurredAt}|${last.eventId}`).toString('base64url') : null,
    };
  }
}
