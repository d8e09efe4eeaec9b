import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { z } from 'zod';
import { AuditRelay } from '@lekha/audit';
import type { AnyOperation, AuditEventV1, OpInput, OpResponse } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { OperationRunner, loadConfig } from '@lekha/runtime';
import { anonymousContext, type RequestContext, type Role } from '@lekha/tenancy';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';

export interface UseCaseHarnessOptions<C> {
  service: string;
  /** The service's database schema (where its audit outbox lives). */
  schema: string;
  configSchema: z.ZodType<C>;
  /** The service's own root module, as its main builds it. */
  module: (config: C, logger: Logger) => Type | DynamicModule;
  /** Extra variables for the service's configuration. */
  env?: Record<string, string>;
}

/** A caller of a use case: a person (or API key) signed in to a tenant with some roles. */
export interface Caller {
  tenantId: string;
  actorId: string;
  ctx: RequestContext;
}

/**
 * A service's data layer in-process, without Kafka: its real root module on PGlite (or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set), with use cases called through the same
 * runner the bus uses (validation, the operation's permission, the data gate, the reply check).
 * Nothing is published: audit records stay in the service's outbox, where a test can read them.
 */
export class UseCaseHarness {
  private constructor(
    readonly app: INestApplicationContext,
    private readonly schema: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start<C>(options: UseCaseHarnessOptions<C>): Promise<UseCaseHarness> {
    const dir = await mkdtemp(join(tmpdir(), `lekha-use-cases-${options.service}-`));
    const database: TestDatabase = await createTestDatabase();
    const signingKey = join(dir, 'audit-signing.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(signingKey, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const config = loadConfig(options.configSchema as unknown as z.ZodObject, {
      LEKHA_ENV: 'test',
      LOG_LEVEL: 'silent',
      // Nothing listens there: the outbox relay and the key readers never reach a broker.
      KAFKA_BROKERS: '127.0.0.1:9',
      // …and give up at once instead of retrying for ~20 s, which closing would wait out.
      KAFKA_RETRIES: '0',
      LEKHA_DATA_DIR: dir,
      LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
      LEKHA_BUS_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEY_FILE: signingKey,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...options.env,
    }) as C;
    const logger = pino({ level: 'silent' });
    const app = await NestFactory.createApplicationContext(options.module(config, logger), {
      logger: false,
      abortOnError: false,
    });
    // No broker, so nothing is published: stop the audit relay now, so that it never takes up the records
    // the tests make (close() would wait out kafkajs's retries of that publish, ~10 s). Not awaited: a
    // service that audits at start (identity) has a publish in flight already, and close() waits for it.
    void app.get(AuditRelay, { strict: false }).stop();
    return new UseCaseHarness(app, options.schema, async () => {
      await app.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    });
  }

  /** A new tenant (nothing of it exists yet: its keyset is made on first use) and a caller in it. */
  tenantCaller(roles: Role[] = ['owner'], extra: Partial<RequestContext> = {}): Caller {
    const tenantId = randomUUID();
    const actorId = randomUUID();
    return this.callerIn(tenantId, roles, { actorId, ...extra });
  }

  /** Another caller in an existing tenant. */
  callerIn(tenantId: string, roles: Role[], extra: Partial<RequestContext> = {}): Caller {
    const actorId = extra.actorId ?? randomUUID();
    const ctx = anonymousContext({ tenantId, actorId, actorType: 'user', roles, ...extra });
    return { tenantId, actorId, ctx };
  }

  /** Runs an operation's use case as the bus would, as `caller`; refusals are thrown as DomainError. */
  call<O extends AnyOperation>(op: O, input: OpInput<O>, caller: Caller | RequestContext): Promise<OpResponse<O>> {
    const ctx = 'ctx' in caller ? caller.ctx : caller;
    return this.app.get(OperationRunner).call(op, input, ctx);
  }

  get<T>(token: Type<T> | symbol | string): T {
    return this.app.get(token);
  }

  /** The audit records the service wrote (to its outbox) for a request, oldest first. */
  async auditRecords(requestId: string): Promise<AuditEventV1[]> {
    const rows = await this.app
      .get(Database)
      .em()
      .execute<{ payload: AuditEventV1 | string }[]>(
        `select payload from "${this.schema}".audit_outbox where payload->>'requestId' = ? order by id`,
        [requestId],
      );
    return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as AuditEventV1) : r.payload));
  }

  async stop(): Promise<void> {
    await this.cleanup();
  }
}
