import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { DirectAuditPublisher } from '@lekha/audit';
import { Rpc, auditQuerySchema, FeatureError, AuditError } from '@lekha/contracts';
import type { AuditAction, AuditEventV1, Page } from '@lekha/contracts';
import { hasPermission, requireContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { setRetryAfter } from '../auth/retry-after.js';
import { streamPagedExport } from '../common/paged-export.js';
import { CSV_COLUMNS, csvRow } from './audit-csv.js';
import { AuditTail } from './audit-tail.js';
import { Answers } from '../operations/operation-access.js';

const exportQuerySchema = auditQuerySchema
  .omit({ cursor: true, limit: true, include: true })
  .extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') });
const streamQuerySchema = z.strictObject({ action: auditQuerySchema.shape.action, tenantId: z.uuid().optional() });
const PAGE = 500;
/** A live tail whose client does not read is ended rather than buffered without limit. */
const MAX_UNREAD_BYTES = 1024 * 1024;

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly bus: BusClient,
    private readonly audit: DirectAuditPublisher,
    private readonly tail: AuditTail,
  ) {}

  /**
   * The tenants the caller may read: platform compliance any (the one asked for, or all), anyone
   * else only their own. Asking for another tenant is refused and recorded as denied.
   */
  private async scope(requested: string | undefined, action: AuditAction, resource: string): Promise<string | null> {
    const ctx = requireContext();
    if (hasPermission(ctx.roles, 'audit:read:platform')) return requested ?? null;
    if (ctx.tenantId && (!requested || requested === ctx.tenantId)) return ctx.tenantId;
    const reason = ctx.tenantId ? 'other_tenant' : 'forbidden';
    await this.audit.record({ action, resource: { type: resource, id: requested ?? null }, outcome: 'denied', reason });
    throw new FeatureError(AuditError.OtherTenant, 'you may read only your own tenant’s audit trail');
  }

  @Get('export')
  @Answers(z.string().describe('one audit event (JSON) per line, or CSV with format=csv'), {
    contentType: 'application/x-ndjson',
  })
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'export', resource: 'audit_event' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOperation({
    summary: 'Stream every event matching the filter as NDJSON or CSV, page by page (memory stays bounded)',
  })
  async export(
    @Query({ schema: exportQuerySchema }) query: z.output<typeof exportQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    const { format, ...filter } = query;
    await this.scope(filter.tenantId, 'export', 'audit_event');
    // The first page is fetched before anything is recorded or sent: when compliance refuses it, it
    // records the refusal (as denied) and the caller gets its status; the export is recorded only
    // once it is allowed, and before any byte leaves.
    const first = await this.bus.call<Page<AuditEventV1>>(Rpc.compliance.queryAudit, { ...filter, limit: PAGE });
    const subjectIds = filter.subjectId ? [filter.subjectId] : [];
    await this.audit.record({ action: 'export', resource: { type: 'audit_event', id: null }, subjectIds });
    await streamPagedExport(res, {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      filename: `audit-${new Date().toISOString().slice(0, 10)}.${format}`,
      first,
      next: (cursor) =>
        this.bus.call<Page<AuditEventV1>>(Rpc.compliance.queryAudit, { ...filter, limit: PAGE, cursor }),
      head: format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : undefined,
      render: (page) => page.items.map((e) => (format === 'csv' ? csvRow(e) : JSON.stringify(e)) + '\n').join(''),
    });
  }

  @Get('stream')
  @Answers(z.string().describe('server-sent events, one audit event each'), { contentType: 'text/event-stream' })
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'read', resource: 'audit_stream' })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Live tail of the audit trail as server-sent events (a tenant owner sees their tenant only); open streams are ' +
      'capped per tenant and per gateway (429 beyond)',
  })
  async stream(
    @Query({ schema: streamQuerySchema }) query: z.output<typeof streamQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    const tenantId = await this.scope(query.tenantId, 'read', 'audit_stream');
    let release: () => void;
    try {
      release = this.tail.reserve(requireContext().tenantId ?? 'platform');
    } catch (err) {
      const resource = { type: 'audit_stream', id: null };
      await this.audit.record({ action: 'read', resource, outcome: 'denied', reason: 'too_many_streams' });
      setRetryAfter(res, err);
      throw err;
    }
    let unsubscribe: (() => void) | null = null;
    let heartbeat: NodeJS.Timeout | undefined = undefined;
    let closed = false;
    let live = false;
    const close = () => {
      if (closed) return;
      closed = true;
      live = false;
      clearInterval(heartbeat);
      unsubscribe?.();
      release();
    };
    res.on('close', close);
    try {
      await this.audit.record({ action: 'read', resource: { type: 'audit_stream', id: null } });
      unsubscribe = await this.tail.subscribe({
        tenantId,
        action: query.action,
        send: (e) => {
          if (!live) return;
          if (res.writableLength > MAX_UNREAD_BYTES) {
            live = false;
            res.end();
            return;
          }
          res.write(`id: ${e.eventId}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`);
        },
        end: () => res.end(),
      });
    } catch (err) {
      close();
      throw err;
    }
    if (closed) return unsubscribe();
    res.status(200).setHeader('content-type', 'text/event-stream');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('connection', 'keep-alive');
    res.flushHeaders();
    res.write(': connected\n\n');
    live = true;
    heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  }
}
