import { z } from 'zod';
import { emptyRequestSchema, operation, pageSchema } from '../operation.js';
import { dataCategorySchema } from '../data-categories.js';
import {
  createRecordSchema,
  createRecordTypeSchema,
  listRecordsSchema,
  recordIdSchema,
  recordJsonSchema,
  recordReportSchema,
  updateRecordSchema,
  updateRecordTypeSchema,
} from '../records.js';

export const recordTypeViewSchema = z.object({
  key: z.string(),
  name: z.string(),
  version: z.number().int(),
  schema: recordJsonSchema,
  fields: z.array(z.object({ name: z.string(), category: dataCategorySchema })),
});

export const recordViewSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  typeVersion: z.number().int(),
  customerId: z.uuid().nullable(),
  assigneeUserId: z.uuid().nullable(),
  stage: z.string().nullable(),
  occurredAt: z.iso.datetime(),
  /** Fields of a sensitive category are absent for roles not granted them. */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

/** Who changed which fields of a record, and when: names only, never values. */
export const recordChangeViewSchema = z.object({
  at: z.iso.datetime(),
  action: z.enum(['create', 'update']),
  actorId: z.string().nullable(),
  actorType: z.string(),
  fields: z.array(z.string()),
});

/** Counts (and totals) per group: never an individual's record, name or id. */
export const recordReportResultSchema = z.object({
  type: z.string(),
  groupBy: z.enum(['stage', 'day', 'month']),
  sum: z.string().nullable(),
  groups: z.array(z.object({ group: z.string().nullable(), count: z.number(), total: z.number().nullable() })),
});

const TAG = 'records';

/** Record types (configurable JSON Schemas) and the records written against them. */
export const RecordOps = {
  templates: operation({
    name: 'tenant-data.record-types.templates',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(recordTypeViewSchema) }),
    access: 'records:read',
    audit: { action: 'read', resourceType: 'record_type' },
    summary: 'Ready record types for water delivery, appointments, rooms and maintenance, jobs and sale orders',
    http: { method: 'GET', path: 'v1/records/templates', tag: TAG },
  }),
  listTypes: operation({
    name: 'tenant-data.record-types.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(recordTypeViewSchema) }),
    access: 'records:read',
    audit: { action: 'list', resourceType: 'record_type' },
    summary: 'The tenant’s record types',
    http: { method: 'GET', path: 'v1/records/types', tag: TAG },
  }),
  createType: operation({
    name: 'tenant-data.record-types.create',
    request: createRecordTypeSchema,
    response: recordTypeViewSchema,
    access: 'records:types:manage',
    audit: { action: 'create', resourceType: 'record_type' },
    summary: 'Define a record type from a template or a JSON Schema (each field names its data category in x-category)',
    http: { method: 'POST', path: 'v1/records/types', tag: TAG },
  }),
  updateType: operation({
    name: 'tenant-data.record-types.update',
    request: updateRecordTypeSchema,
    response: recordTypeViewSchema,
    access: 'records:types:manage',
    audit: { action: 'update', resourceType: 'record_type', resourceIdField: 'key' },
    summary: 'Replace a type’s schema as a new version; existing records stay as written',
    http: { method: 'PUT', path: 'v1/records/types/:key', tag: TAG },
  }),
  report: operation({
    name: 'tenant-data.records.report',
    request: recordReportSchema,
    response: recordReportResultSchema,
    access: 'records:reports',
    audit: { action: 'read', resourceType: 'record_report', resourceIdField: 'type' },
    summary: 'Counts and totals per stage, day or month: no individual’s data',
    http: { method: 'GET', path: 'v1/records/reports', tag: TAG },
  }),
  create: operation({
    name: 'tenant-data.records.create',
    request: createRecordSchema,
    response: recordViewSchema,
    access: 'records:write',
    audit: { action: 'create', resourceType: 'record' },
    summary: 'Write a record, validated against its type; violations name the field as data.<field>',
    http: { method: 'POST', path: 'v1/records', tag: TAG },
  }),
  list: operation({
    name: 'tenant-data.records.list',
    request: listRecordsSchema,
    response: pageSchema(recordViewSchema),
    access: 'records:read',
    audit: { action: 'list', resourceType: 'record' },
    summary: 'Records newest first; filter by ?type=, ?customerId=, ?stage=, ?from=, ?to=',
    http: { method: 'GET', path: 'v1/records', tag: TAG },
  }),
  get: operation({
    name: 'tenant-data.records.get',
    request: recordIdSchema,
    response: recordViewSchema,
    access: 'records:read',
    audit: { action: 'read', resourceType: 'record' },
    summary: 'One record; another tenant’s id is a 404',
    http: { method: 'GET', path: 'v1/records/:id', tag: TAG },
  }),
  update: operation({
    name: 'tenant-data.records.update',
    request: updateRecordSchema,
    response: recordViewSchema,
    access: 'records:write',
    audit: { action: 'update', resourceType: 'record' },
    summary:
      'Change a record: data is merged (null removes a field) and validated against the type’s current version; ' +
      'assigneeUserId assigns it',
    http: { method: 'PATCH', path: 'v1/records/:id', tag: TAG, bodyField: 'patch' },
  }),
  delete: operation({
    name: 'tenant-data.records.delete',
    request: recordIdSchema,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    access: 'records:delete',
    audit: { action: 'delete', resourceType: 'record' },
    summary: 'Delete a record at once and for good; the deletion is audited',
    http: { method: 'DELETE', path: 'v1/records/:id', tag: TAG, status: 204 },
  }),
  history: operation({
    name: 'tenant-data.records.history',
    request: recordIdSchema,
    response: z.object({ items: z.array(recordChangeViewSchema) }),
    access: 'records:read',
    audit: { action: 'read', resourceType: 'record_history' },
    summary: 'Who changed which fields of a record, and when (field names only, no values)',
    http: { method: 'GET', path: 'v1/records/:id/history', tag: TAG },
  }),
} as const;
