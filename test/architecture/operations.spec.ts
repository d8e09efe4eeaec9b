import 'reflect-metadata';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestMethod, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import pino from 'pino';
import { z } from 'zod';
import { ALL_OPERATIONS, allRpcPatterns, type AnyOperation } from '@lekha/contracts';
import { handledOperation, loadConfig } from '@lekha/runtime';
import { AppModule as TenantDataModule } from '../../apps/tenant-data/src/app.module.js';
import { tenantDataConfigSchema } from '../../apps/tenant-data/src/config/tenant-data.config.js';
import { AppModule as ComplianceModule } from '../../apps/compliance/src/app.module.js';
import { complianceConfigSchema } from '../../apps/compliance/src/config/compliance.config.js';
import { AppModule as NotificationsModule } from '../../apps/notifications/src/app.module.js';
import { notificationsConfigSchema } from '../../apps/notifications/src/config/notifications.config.js';
import { AppModule as BillingModule } from '../../apps/billing/src/app.module.js';
import { AppModule as IdentityModule } from '../../apps/identity/src/app.module.js';
import { identityConfigSchema } from '../../apps/identity/src/config/identity.config.js';
import { billingConfigSchema } from '../../apps/billing/src/config/billing.config.js';
import { AppModule as GatewayModule } from '../../apps/gateway/src/app.module.js';
import { gatewayConfigSchema } from '../../apps/gateway/src/config/gateway.config.js';
import { openApiDocument } from '../../apps/gateway/src/openapi/openapi.js';

/**
 * The operation inventory: every declared operation has exactly one use case in the service that
 * serves it, a route in the gateway (or says why it has none), a response schema, and a name no
 * other operation has. Services are read from their own root modules, as they start.
 */
const dir = mkdtempSync(join(tmpdir(), 'lekha-operations-'));
const keyFile = join(dir, 'audit.pem');
writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
const env = {
  LEKHA_ENV: 'test',
  KAFKA_BROKERS: '127.0.0.1:9',
  LEKHA_DATA_DIR: dir,
  LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
  LEKHA_BUS_KEY: randomBytes(32).toString('base64'),
  AUDIT_SIGNING_KEY_FILE: keyFile,
  AUDIT_TRUSTED_KEYS_FILE: join(dir, 'trusted-keys.json'),
};
const logger = pino({ level: 'silent' });

/** Each service's root module, as its main registers it. */
const SERVICES: Record<string, () => DynamicModule> = {
  identity: () => IdentityModule.register(loadConfig(identityConfigSchema, env), logger),
  'tenant-data': () => TenantDataModule.register(loadConfig(tenantDataConfigSchema, env), logger),
  compliance: () => ComplianceModule.register(loadConfig(complianceConfigSchema, env), logger),
  notifications: () => NotificationsModule.register(loadConfig(notificationsConfigSchema, env), logger),
  billing: () => BillingModule.register(loadConfig(billingConfigSchema, env), logger),
};

type ModuleLike = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => unknown } | undefined;

/** Every provider and controller class in a module graph (without instantiating anything). */
function classesOf(root: ModuleLike): { providers: Type[]; controllers: Type[] } {
  const providers = new Set<Type>();
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (mod: ModuleLike) => {
    if (!mod || seen.has(mod) || mod instanceof Promise || 'forwardRef' in mod) return;
    seen.add(mod);
    const cls = typeof mod === 'function' ? mod : mod.module;
    const dynamic = typeof mod === 'function' ? {} : mod;
    const meta = (key: string) => (Reflect.getMetadata(key, cls) as unknown[] | undefined) ?? [];
    for (const p of [...meta('providers'), ...(dynamic.providers ?? [])]) {
      const provided = typeof p === 'function' ? p : (p as { useClass?: Type }).useClass;
      if (provided) providers.add(provided as Type);
    }
    for (const c of [...meta('controllers'), ...(dynamic.controllers ?? [])]) controllers.add(c as Type);
    for (const i of [...meta('imports'), ...(dynamic.imports ?? [])]) visit(i as ModuleLike);
  };
  visit(root);
  return { providers: [...providers], controllers: [...controllers] };
}

const METHODS: Record<number, string> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};
const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');

/** `METHOD path` of every HTTP route of the given controllers. */
function routesOf(controllers: Type[]): string[] {
  const routes: string[] = [];
  for (const controller of controllers) {
    const base = trim(String(Reflect.getMetadata(PATH_METADATA, controller) ?? ''));
    for (const key of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[key];
      if (typeof handler !== 'function' || key === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (method === undefined || path === undefined) continue;
      for (const p of Array.isArray(path) ? path : [path])
        routes.push(`${METHODS[method] ?? method} ${[base, trim(p)].filter(Boolean).join('/')}`);
    }
  }
  return routes;
}

const routeOf = (op: AnyOperation) => `${op.http!.method} ${op.http!.path}`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operation inventory', () => {
  it('lists operations, each name declared once and routed on the bus', () => {
    expect(ALL_OPERATIONS.length).toBeGreaterThan(20);
    const names = ALL_OPERATIONS.map((op) => op.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    // The bus client listens for the replies of every pattern it knows.
    const patterns = new Set<string>(allRpcPatterns());
    expect(names.filter((n) => !patterns.has(n))).toEqual([]);
  });

  it('gives every operation a response schema (not any or unknown) and its access and audit descriptor', () => {
    const vague = ALL_OPERATIONS.filter(
      (op) =>
        !(op.response instanceof z.ZodType) || op.response instanceof z.ZodAny || op.response instanceof z.ZodUnknown,
    );
    expect(vague.map((op) => op.name)).toEqual([]);
    for (const op of ALL_OPERATIONS) {
      expect(op.audit.resourceType).toMatch(/^[a-z_]+$/);
      expect(op.summary.length).toBeGreaterThan(10);
      // A route, or the reason there is none.
      expect(Boolean(op.http) !== Boolean(op.internal)).toBe(true);
    }
  });

  it('binds every operation to exactly one use case in the service that serves it, and no use case to none', () => {
    const problems: string[] = [];
    for (const service of new Set(ALL_OPERATIONS.map((op) => op.service))) {
      const module = SERVICES[service];
      if (!module) {
        problems.push(`${service}: no root module listed here, so its operations have no handler`);
        continue;
      }
      const bound = classesOf(module())
        .providers.map((cls) => handledOperation(cls))
        .filter((op): op is AnyOperation => op !== undefined);
      for (const op of ALL_OPERATIONS.filter((o) => o.service === service)) {
        const count = bound.filter((b) => b.name === op.name).length;
        if (count !== 1) problems.push(`${op.name}: ${count} use cases in ${service}`);
      }
      for (const op of bound)
        if (op.service !== service || !ALL_OPERATIONS.includes(op))
          problems.push(`${service} binds ${op.name}, which it does not serve`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation with a route exactly one gateway route, and no route twice', () => {
    const config = loadConfig(gatewayConfigSchema, env);
    const routes = routesOf(classesOf(GatewayModule.register(config, logger)).controllers);
    expect(routes.filter((r, i) => routes.indexOf(r) !== i)).toEqual([]);
    const missing = ALL_OPERATIONS.filter((op) => op.http && !routes.includes(routeOf(op)));
    expect(missing.map((op) => op.name)).toEqual([]);
  });
});

describe('OpenAPI document', () => {
  let app: INestApplication | undefined;
  let doc: OpenAPIObject;
  beforeAll(async () => {
    const config = loadConfig(gatewayConfigSchema, env);
    app = await NestFactory.create(GatewayModule.register(config, logger), { logger: false, abortOnError: false });
    doc = openApiDocument(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const entryOf = (op: AnyOperation) => {
    const path = `/${op.http!.path.replace(/:(\w+)/g, '{$1}')}`;
    return doc.paths[path]?.[op.http!.method.toLowerCase() as 'get'];
  };

  it('shows every routed operation with a schema for each 2xx response and for its body', () => {
    const problems: string[] = [];
    for (const op of ALL_OPERATIONS.filter((o) => o.http)) {
      const entry = entryOf(op);
      if (!entry) {
        problems.push(`${routeOf(op)}: not in the document`);
        continue;
      }
      const success = Object.entries(entry.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (!success.length) problems.push(`${routeOf(op)}: no 2xx response`);
      for (const [status, response] of success) {
        if (status === '204') continue;
        const schema = (response as { content?: Record<string, { schema?: unknown }> }).content?.['application/json']
          ?.schema;
        if (!schema) problems.push(`${routeOf(op)}: ${status} has no schema`);
      }
      if (['POST', 'PUT', 'PATCH'].includes(op.http!.method)) {
        const body = (entry.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
        const hasFields = Object.keys((op.request as z.ZodObject).shape).length > 0;
        if (hasFields && !body?.['application/json']?.schema) problems.push(`${routeOf(op)}: no request body schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every route in the document, hand-written ones included, a 2xx response with a schema', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, entry] of Object.entries(item as Record<string, { responses?: Record<string, unknown> }>)) {
        if (!entry?.responses) continue;
        const success = Object.entries(entry.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (!success.length) problems.push(`${method.toUpperCase()} ${path}: no 2xx response`);
        for (const [status, response] of success) {
          if (status === '204') continue;
          const content = (response as { content?: Record<string, { schema?: unknown }> }).content ?? {};
          if (!Object.values(content).some((c) => c.schema))
            problems.push(`${method.toUpperCase()} ${path}: ${status} has no schema`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes a customer as the declaration does (fields and their types)', () => {
    const get = entryOf(ALL_OPERATIONS.find((op) => op.name === 'tenant-data.customers.get')!)!;
    const schema = (get.responses['200'] as { content: Record<string, { schema: Record<string, unknown> }> }).content[
      'application/json'
    ]!.schema as { properties: Record<string, { type?: string }>; required: string[] };
    expect(schema.properties.name).toMatchObject({ type: 'string' });
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'name', 'phone', 'createdAt']));
    expect(get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path' })]));
  });
});
