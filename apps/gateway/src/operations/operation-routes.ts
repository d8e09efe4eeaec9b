import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Module,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
  type Type,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { ALL_OPERATIONS, DomainError, type AnyOperation, type HttpBinding, type HttpMethod } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { openApiSchema } from './openapi-schema.js';
import { RequireOperation } from './operation-access.js';

type RouteOperation = AnyOperation & { http: HttpBinding };

const METHOD: Record<HttpMethod, (path: string) => MethodDecorator> = {
  GET: Get,
  POST: Post,
  PUT: Put,
  PATCH: Patch,
  DELETE: Delete,
};

/** How a route's request splits into path parameters, headers, query and body, each with its own schema. */
export interface RouteParts {
  params: z.ZodObject | null;
  /** Request fields read from headers (`http.headers`: field → header name). */
  headers: z.ZodObject | null;
  query: z.ZodObject | null;
  body: z.ZodType | null;
}

function shapeOf(op: AnyOperation): Record<string, z.ZodType> {
  if (!(op.request instanceof z.ZodObject))
    throw new Error(`operation ${op.name}: a routed operation's request must be an object schema`);
  return op.request.shape as Record<string, z.ZodType>;
}

function pick(shape: Record<string, z.ZodType>, keys: string[]): z.ZodObject | null {
  return keys.length ? z.strictObject(Object.fromEntries(keys.map((k) => [k, shape[k]!]))) : null;
}

export function pathParams(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}

export function routeParts(op: RouteOperation): RouteParts {
  const shape = shapeOf(op);
  const params = pathParams(op.http.path);
  for (const p of params) if (!shape[p]) throw new Error(`operation ${op.name}: the request has no field ${p}`);
  const fromHeaders = Object.keys(op.http.headers ?? {});
  for (const h of fromHeaders) if (!shape[h]) throw new Error(`operation ${op.name}: the request has no field ${h}`);
  const headers = pick(shape, fromHeaders);
  const taken = [...params, ...fromHeaders];
  const rest = Object.keys(shape).filter((k) => !taken.includes(k));
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(op.http.method);
  if (!hasBody) return { params: pick(shape, params), headers, query: pick(shape, rest), body: null };
  if (op.http.bodyField) {
    const body = shape[op.http.bodyField];
    if (!body) throw new Error(`operation ${op.name}: the request has no field ${op.http.bodyField}`);
    return { params: pick(shape, params), headers, query: null, body };
  }
  // The whole request (as declared, refinements included) when no path parameter or header takes a part of it.
  const body = taken.length ? pick(shape, rest) : rest.length ? op.request : null;
  return { params: pick(shape, params), headers, query: null, body };
}

function validate(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    'VALIDATION_FAILED',
    'request is invalid',
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** The named request headers as request fields (absent headers stay absent, for the schema to judge). */
function headerFields(op: RouteOperation, headers: unknown): Record<string, unknown> {
  const all = (headers ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [field, header] of Object.entries(op.http.headers ?? {}))
    if (all[header] !== undefined) fields[field] = all[header];
  return fields;
}

/** The request an operation's route sends on the bus, from its validated parts. */
export function requestOf(
  op: RouteOperation,
  parts: RouteParts,
  params: unknown,
  query: unknown,
  body: unknown,
  headers?: unknown,
) {
  const p = parts.params ? (validate(parts.params, params ?? {}) as object) : {};
  const h = parts.headers ? (validate(parts.headers, headerFields(op, headers)) as object) : {};
  const q = parts.query ? (validate(parts.query, query ?? {}) as object) : {};
  if (!parts.body) return { ...q, ...h, ...p };
  const b = validate(parts.body, body ?? {});
  return op.http.bodyField ? { ...h, ...p, [op.http.bodyField]: b } : { ...(b as object), ...h, ...p };
}

/** Literal segments before parameters, so `v1/customers/data-map` is matched before `v1/customers/:id`. */
function routeOrder(a: RouteOperation, b: RouteOperation): number {
  const sa = a.http.path.split('/');
  const sb = b.http.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith(':');
    const pb = sb[i]!.startsWith(':');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

function statusOf(op: RouteOperation): number {
  return op.http.status ?? (op.http.method === 'POST' ? 201 : 200);
}

/**
 * One HTTP route per operation that declares one: the operation's access checked by the guards
 * (a denial audited before the 403), each part of the request validated with the operation's own
 * schema, the call made typed over the bus, and the OpenAPI entry (request and response schemas)
 * written from the declaration.
 */
export function operationRoutesController(operations: readonly AnyOperation[]): Type {
  @Controller()
  class OperationRoutesController {
    constructor(
      @Inject(BusClient) readonly bus: BusClient,
      @Inject(RevocationList) readonly revocations: RevocationList,
    ) {}
  }
  const proto = OperationRoutesController.prototype as unknown as Record<string, unknown>;
  const routed = operations.filter((op): op is RouteOperation => op.http !== undefined).sort(routeOrder);
  routed.forEach((op, i) => {
    const key = `route${i}`;
    const parts = routeParts(op);
    const status = statusOf(op);
    proto[key] = async function (
      this: OperationRoutesController,
      params: unknown,
      query: unknown,
      body: unknown,
      headers: unknown,
    ) {
      const reply = await this.bus.invoke(op, requestOf(op, parts, params, query, body, headers));
      if (op.changesTenantStanding) {
        const standing = reply as { tenantId: string; state: string };
        this.revocations.setCancelled(standing.tenantId, standing.state === 'cancelled');
      }
      return status === 204 ? undefined : reply;
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    Reflect.defineMetadata('design:paramtypes', [Object, Object, Object, Object], proto, key);
    Param()(proto, key, 0);
    Query()(proto, key, 1);
    Body()(proto, key, 2);
    Headers()(proto, key, 3);
    const decorators: MethodDecorator[] = [
      METHOD[op.http.method](op.http.path),
      HttpCode(status),
      ApiTags(op.http.tag),
      ApiOperation({ summary: op.summary, operationId: op.name }),
      status === 204
        ? ApiResponse({ status, description: 'Done; no content' })
        : ApiResponse({ status, description: 'Success', schema: openApiSchema(op.response, 'output') }),
    ];
    if (op.access !== 'public')
      decorators.push(ApiBearerAuth(), UseGuards(JwtAuthGuard, PermissionGuard), RequireOperation(op));
    for (const name of Object.keys(parts.params?.shape ?? {}))
      decorators.push(ApiParam({ name, required: true, schema: openApiSchema(parts.params!.shape[name]!, 'input') }));
    for (const [name, schema] of Object.entries((parts.query?.shape ?? {}) as Record<string, z.ZodType>))
      decorators.push(
        ApiQuery({ name, required: !schema.safeParse(undefined).success, schema: openApiSchema(schema, 'input') }),
      );
    for (const [field, header] of Object.entries(op.http.headers ?? {}))
      decorators.push(
        ApiHeader({
          name: header,
          required: !parts.headers!.shape[field]!.safeParse(undefined).success,
          schema: openApiSchema(parts.headers!.shape[field]!, 'input'),
        }),
      );
    if (parts.body) decorators.push(ApiBody({ schema: openApiSchema(parts.body, 'input') }));
    for (const decorate of decorators) decorate(proto, key, descriptor);
  });
  return OperationRoutesController;
}

/** Imported last, so hand-written routes with literal paths (e.g. `v1/customers/export`) are matched first. */
@Module({ controllers: [operationRoutesController(ALL_OPERATIONS)] })
export class OperationRoutesModule {}
