import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { DirectAuditPublisher } from '@lekha/audit';
import { AUDIT_EVENTS_TOPIC, Rpc, auditEventV1Schema, auditQuerySchema, type AuditEventV1, type AuditEventView, type AuditQuery, type Page } from '@lekha/contracts';
import { KAFKA } from '@lekha/runtime';
import { hasPermission, requireContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { CSV_COLUMNS, csvRow } from './audit-csv.js';

const exportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true, include: true }).extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') });
const streamQuerySchema = z.strictObject({ action: auditQuerySchema.shape.action, tenantId: z.uuid().optional() });
const PAGE = 500;

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly bus: BusClient,
    private readonly audit: DirectAuditPublisher,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  @Get('events')
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'read', resource: 'audit_event' })
  @ApiOperation({ summary: 'Query the audit trail: a tenant owner sees their tenant, platform compliance sees all; include=network opens the actors’ sealed IP and user agent' })
  events(@Query({ schema: auditQuerySchema }) query: AuditQuery): Promise<Page<AuditEventView>> {
    return this.bus.call(Rpc.compliance.queryAudit, query);
  }

  @Get('export')
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'export', resource: 'audit_event' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOperation({ summary: 'Stream every event matching the filter as NDJSON or CSV, page by page (memory stays bounded)' })
  async export(@Query({ schema: exportQuerySchema }) query: z.output<typeof exportQuerySchema>, @Res() res: Response): Promise<void> {
    const { format, ...filter } = query;
    await this.audit.record({ action: 'export', resource: { type: 'audit_event', id: null }, subjectIds: filter.subjectId ? [filter.subjectId] : [] });
    // The first page is fetched before any byte is sent, so a refusal still gets a proper status.
    let page = await this.bus.call<Page<AuditEventV1>>(Rpc.compliance.queryAudit, { ...filter, limit: PAGE });
    res.status(200).setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.${format}"`);
    const write = (chunk: string) => new Promise<void>((resolve) => (res.write(chunk) ? resolve() : res.once('drain', resolve)));
    if (format === 'csv') await write(`${CSV_COLUMNS.join(',')}\n`);
    for (;;) {
      await write(page.items.map((e) => (format === 'csv' ? csvRow(e) : JSON.stringify(e))).join('\n') + (page.items.length ? '\n' : ''));
      if (!page.nextCursor || res.destroyed) break;
      page = await this.bus.call<Page<AuditEventV1>>(Rpc.compliance.queryAudit, { ...filter, limit: PAGE, cursor: page.nextCursor });
    }
    res.end();
  }

  @Get('stream')
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'read', resource: 'audit_stream' })
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Live tail of the audit trail as server-sent events (a tenant owner sees their tenant only)' })
  async stream(@Query({ schema: streamQuerySchema }) query: z.output<typeof streamQuerySchema>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = requireContext();
    const platform = hasPermission(ctx.roles, 'audit:read:platform');
    const tenant = platform ? query.tenantId : ctx.tenantId;
    await this.audit.record({ action: 'read', resource: { type: 'audit_stream', id: null } });
    const consumer = this.kafka.consumer({ groupId: `gateway-audit-tail-${randomUUID()}`, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: false });
    res.status(200).setHeader('content-type', 'text/event-stream');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('connection', 'keep-alive');
    res.flushHeaders();
    res.write(': connected\n\n');
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    let closed = false;
    req.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      void consumer.disconnect().catch(() => undefined);
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (closed) return;
        let parsed: ReturnType<typeof auditEventV1Schema.safeParse>;
        try {
          parsed = auditEventV1Schema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const e = parsed.data;
        if (tenant && e.tenantId !== tenant) return;
        if (!platform && !tenant) return;
        if (query.action && e.action !== query.action) return;
        res.write(`id: ${e.eventId}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`);
      },
    });
  }

  @Get('verify')
  @RequirePermission('audit:read:platform', { action: 'read', resource: 'audit_chain' })
  @ApiOperation({ summary: 'Chain status per partition and the latest signed checkpoint (platform compliance)' })
  verify() {
    return this.bus.call(Rpc.compliance.auditStatus, {});
  }
}
