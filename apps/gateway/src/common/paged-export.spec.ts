import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { pino } from 'pino';
import { DirectAuditPublisher } from '@lekha/audit';
import { Rpc, type AuditEventV1 } from '@lekha/contracts';
import { AuditController } from '../audit/audit.controller.js';
import { AuditTail } from '../audit/audit-tail.js';
import { AuthDenialAudit } from '../auth/auth-denials.js';
import { BusClient } from '../bus/bus-client.js';
import { CustomersController } from '../customers/customers.controller.js';
import { ApiKeyExchange } from '../security/api-key-exchange.js';
import { ErrorEnvelopeFilter } from './error-envelope.filter.js';
import { requestContextMiddleware } from './request-context.middleware.js';
import { validationPipe } from './validation.js';
import { RevocationList } from '../auth/revocation-list.js';

const tenantId = randomUUID();

/** Every request is the tenant's owner: these tests are about the stream, not about who may read it. */
class OwnerStrategy extends Strategy {
  name = 'jwt';
  override authenticate(): void {
    this.success({ userId: randomUUID(), tenantId, roles: ['owner'] });
  }
}

const event = (i: number): AuditEventV1 =>
  ({
    schema: 'lekha.audit/1',
    eventId: randomUUID(),
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    tenantId,
    service: 'tenant-data',
    actor: { type: 'user', id: 'u', roles: ['owner'] },
    action: 'read',
    resource: { type: 'customer', id: String(i) },
    subjectIds: [],
    fields: [],
    purpose: 'service_delivery',
    outcome: 'allowed',
    requestId: 'r',
    traceId: 't',
  }) as unknown as AuditEventV1;

const customer = (i: number) => ({
  id: String(i),
  name: `Customer ${i}`,
  addresses: [],
  tags: [],
  extra: {},
  marketingConsent: { sms: false, whatsapp: false, email: false },
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
});

/**
 * The bus as the export sees it: the first page answers with a cursor, the second fails a moment
 * later (the service went away mid-export, the call timed out). Everything else — the controllers,
 * guards, the error filter, Express — is the gateway's own.
 */
class FailingSecondPage {
  calls = 0;
  async call(pattern: string, input: { cursor?: string }): Promise<unknown> {
    this.calls++;
    if (input.cursor) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      throw new Error('the service went away mid-export');
    }
    if (pattern === Rpc.compliance.queryAudit)
      return { items: Array.from({ length: 50 }, (_, i) => event(i)), nextCursor: 'page-2' };
    if (pattern === Rpc.tenantData.exportCustomers)
      return { items: Array.from({ length: 50 }, (_, i) => customer(i)), nextCursor: 'page-2', fields: ['name'] };
    throw new Error(`unexpected call ${pattern}`);
  }
}

/**
 * Before the shared helper, the audit export answered 200, sent the first page and then neither
 * ended nor broke the response: the client held a truncated file and waited on a transfer that
 * looked alive. Now every export breaks the transfer, so the client sees an error.
 */
describe('a streamed export that fails after its first page', () => {
  let app: INestApplication;
  let base: string;
  const bus = new FailingSecondPage();

  beforeAll(async () => {
    passport.use(new OwnerStrategy());
    @Module({
      controllers: [AuditController, CustomersController],
      providers: [
        { provide: BusClient, useValue: bus },
        { provide: DirectAuditPublisher, useValue: { record: async () => [] } },
        { provide: AuditTail, useValue: {} },
        { provide: ApiKeyExchange, useValue: {} },
        { provide: AuthDenialAudit, useValue: { refused: async () => undefined } },
        { provide: RevocationList, useValue: { standing: async () => 'active' } },
      ],
    })
    class ExportTestModule {}
    app = await NestFactory.create(ExportTestModule, { logger: false });
    app.use(requestContextMiddleware);
    app.useGlobalFilters(new ErrorEnvelopeFilter(pino({ level: 'silent' })));
    app.useGlobalPipes(validationPipe());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  /**
   * Downloads on a connection of its own, as a client would: the status, then either the whole
   * body (the response ended) or the error that broke the transfer, or 'hung' if neither came.
   */
  const download = (path: string) =>
    new Promise<{ status: number; received: number; outcome: 'ended' | 'broken' | 'hung' }>((resolve, reject) => {
      const req = get(`${base}${path}`, { agent: false, headers: { authorization: 'Bearer test' } }, (res) => {
        let received = 0;
        const timer = setTimeout(() => {
          resolve({ status: res.statusCode!, received, outcome: 'hung' });
          req.destroy();
        }, 5000);
        const settle = (outcome: 'ended' | 'broken') => {
          clearTimeout(timer);
          resolve({ status: res.statusCode!, received, outcome });
        };
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('end', () => settle(res.complete ? 'ended' : 'broken'));
        res.on('error', () => settle('broken'));
        res.on('aborted', () => settle('broken'));
      });
      req.on('error', reject);
    });

  it.each([
    ['audit events as NDJSON', '/v1/audit/export?format=ndjson'],
    ['audit events as CSV', '/v1/audit/export?format=csv'],
    ['customers as CSV', '/v1/customers/export?format=csv'],
    ['customers as JSON', '/v1/customers/export?format=json'],
  ])('%s: the client sees the transfer break, never a complete-looking file', async (_what, path) => {
    const before = bus.calls;
    const { status, received, outcome } = await download(path);
    // The first page went out with a 200 before the second page failed.
    expect(status).toBe(200);
    expect(received).toBeGreaterThan(0);
    expect(bus.calls - before).toBe(2);
    expect(outcome).toBe('broken');
  });
});
