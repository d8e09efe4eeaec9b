import { z } from 'zod';
import { dataCategorySchema, type DataCategory } from './data-categories.js';
import { RecordDataBounds, jsonBoundsProblem } from './json-bounds.js';
import { ledgerReasonSchema } from './ledgers.js';

/**
 * Record types are JSON Schema documents, limited to the subset below so that every field names
 * its data category (`x-category`) and at most one enum field is the record's stage (`x-stage`).
 */
const fieldKey = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'field names are letters, digits and _ (at most 40)');
const scalarType = z.enum(['string', 'number', 'integer', 'boolean']);
const scalarBase = {
  type: scalarType,
  title: z.string().max(100).optional(),
  description: z.string().max(500).optional(),
  enum: z
    .array(z.union([z.string().max(100), z.number()]))
    .min(1)
    .max(50)
    .optional(),
  format: z.enum(['date-time', 'date']).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).max(5000).optional(),
};
const itemSchema = z.strictObject({
  type: z.literal('object'),
  properties: z.record(fieldKey, z.strictObject(scalarBase)),
  required: z.array(z.string()).optional(),
  additionalProperties: z.literal(false).optional(),
});
export const recordFieldSchema = z.union([
  // `x-assignee`: the field holds the user id of the person the record is assigned to (a caretaker).
  z.strictObject({
    ...scalarBase,
    'x-category': dataCategorySchema,
    'x-stage': z.literal(true).optional(),
    'x-assignee': z.literal(true).optional(),
  }),
  z.strictObject({
    type: z.literal('array'),
    title: z.string().max(100).optional(),
    maxItems: z.number().int().min(1).max(200).optional(),
    items: itemSchema,
    'x-category': dataCategorySchema,
  }),
]);
export type RecordFieldSchema = z.infer<typeof recordFieldSchema>;

/**
 * One side of a record's ledger posting: the record's customer's receivable account (`AR-<customer id>`,
 * made on first use) or an account of the tenant's by its code.
 */
export const recordPostingSideSchema = z.union([
  z.literal('customer_receivable'),
  z.strictObject({ accountCode: z.string().trim().min(1).max(40) }),
]);
export type RecordPostingSide = z.infer<typeof recordPostingSideSchema>;

/**
 * `x-ledger` on a record type: each record created posts a balanced entry to the tenant's ledger (rent due:
 * the customer's receivable debited, rent income credited) for the amount in `amountField` (integer paise);
 * deleting the record reverses it. Posted by billing from tenant-data's event, once per record.
 */
export const recordLedgerPostingSchema = z.strictObject({
  reason: ledgerReasonSchema,
  amountField: fieldKey,
  debit: recordPostingSideSchema,
  credit: recordPostingSideSchema,
});
export type RecordLedgerPosting = z.infer<typeof recordLedgerPostingSchema>;

export const recordJsonSchema = z
  .strictObject({
    'x-ledger': recordLedgerPostingSchema.optional(),
    type: z.literal('object'),
    properties: z
      .record(fieldKey, recordFieldSchema)
      .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= 50, '1 to 50 fields'),
    required: z.array(z.string()).optional(),
    additionalProperties: z.literal(false).optional(),
  })
  .superRefine((s, ctx) => {
    for (const [i, name] of (s.required ?? []).entries()) {
      if (!(name in s.properties))
        ctx.addIssue({ code: 'custom', path: ['required', i], message: `"${name}" is not a field` });
    }
    const stages = Object.entries(s.properties).filter(([, f]) => 'x-stage' in f && f['x-stage']);
    if (stages.length > 1)
      ctx.addIssue({ code: 'custom', path: ['properties'], message: 'at most one field may be the stage' });
    for (const [name, f] of stages) {
      if (!('enum' in f) || !f.enum)
        ctx.addIssue({
          code: 'custom',
          path: ['properties', name, 'enum'],
          message: 'the stage field needs an enum of stages',
        });
      // The stage is stored plain for filtering and reports, so it cannot be personal data.
      if (f['x-category'] !== 'business.operational')
        ctx.addIssue({
          code: 'custom',
          path: ['properties', name, 'x-category'],
          message: 'the stage field must be business.operational',
        });
    }
    const posting = s['x-ledger'];
    if (posting) {
      const amount = s.properties[posting.amountField];
      if (!amount || amount.type !== 'integer')
        ctx.addIssue({
          code: 'custom',
          path: ['x-ledger', 'amountField'],
          message: 'the amount field must be an integer field (paise) of this type',
        });
      if (JSON.stringify(posting.debit) === JSON.stringify(posting.credit))
        ctx.addIssue({ code: 'custom', path: ['x-ledger', 'credit'], message: 'debit and credit must differ' });
    }
    const assignees = Object.entries(s.properties).filter(([, f]) => 'x-assignee' in f && f['x-assignee']);
    if (assignees.length > 1)
      ctx.addIssue({ code: 'custom', path: ['properties'], message: 'at most one field may be the assignee' });
    for (const [name, f] of assignees) {
      if (f.type !== 'string' || f['x-category'] !== 'business.operational')
        ctx.addIssue({
          code: 'custom',
          path: ['properties', name],
          message: 'the assignee field must be a business.operational string',
        });
    }
  });
export type RecordJsonSchema = z.infer<typeof recordJsonSchema>;

export const RecordTemplateKeys = [
  'water_delivery',
  'appointment',
  'room_allocation',
  'maintenance_log',
  'job',
  'sale_order',
] as const;
export type RecordTemplateKey = (typeof RecordTemplateKeys)[number];
export const recordTypeKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be lower-case letters, digits and _ (2 to 40)');

export const createRecordTypeSchema = z
  .strictObject({
    key: recordTypeKeySchema,
    name: z.string().trim().min(1).max(100).optional(),
    template: z.enum(RecordTemplateKeys).optional(),
    schema: recordJsonSchema.optional(),
  })
  .refine((t) => (t.template === undefined) !== (t.schema === undefined), {
    message: 'give either a template or a schema',
    path: ['schema'],
  });
export type CreateRecordTypeRequest = z.infer<typeof createRecordTypeSchema>;

export const updateRecordTypeSchema = z.strictObject({
  key: recordTypeKeySchema,
  schema: recordJsonSchema,
  name: z.string().trim().min(1).max(100).optional(),
});
export type UpdateRecordTypeRequest = z.infer<typeof updateRecordTypeSchema>;

/** A record's data: checked against its type by the service; here only bounded in depth, count and size. */
const recordDataSchema = z.record(z.string(), z.unknown()).superRefine((data, ctx) => {
  const problem = jsonBoundsProblem(data, RecordDataBounds);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const createRecordSchema = z.strictObject({
  type: recordTypeKeySchema,
  customerId: z.uuid().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  data: recordDataSchema,
  /** The user the record is assigned to (a caretaker sees only records assigned to them). */
  assigneeUserId: z.uuid().optional(),
});
export type CreateRecordRequest = z.infer<typeof createRecordSchema>;

/**
 * A PATCH of a record: `data` is merged into the record's data (`null` removes a field) and the
 * result is validated against the type's current version; `null` clears customerId or assigneeUserId.
 */
export const patchRecordSchema = z
  .strictObject({
    data: recordDataSchema.optional(),
    customerId: z.uuid().nullable().optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    assigneeUserId: z.uuid().nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');
export type PatchRecordRequest = z.infer<typeof patchRecordSchema>;
export const updateRecordSchema = z.strictObject({ id: z.uuid(), patch: patchRecordSchema });
export type UpdateRecordRequest = z.infer<typeof updateRecordSchema>;

export const recordIdSchema = z.strictObject({ id: z.uuid() });

export const listRecordsSchema = z.strictObject({
  type: recordTypeKeySchema.optional(),
  customerId: z.uuid().optional(),
  stage: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListRecordsRequest = z.infer<typeof listRecordsSchema>;

export const recordReportSchema = z.strictObject({
  type: recordTypeKeySchema,
  groupBy: z.enum(['stage', 'day', 'month']),
  /** A numeric field of category business.operational to total per group (e.g. quantity). */
  sum: fieldKey.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type RecordReportRequest = z.infer<typeof recordReportSchema>;

export interface RecordTypeView {
  key: string;
  name: string;
  version: number;
  schema: RecordJsonSchema;
  fields: { name: string; category: DataCategory }[];
}

export interface RecordView {
  id: string;
  type: string;
  typeVersion: number;
  customerId: string | null;
  assigneeUserId: string | null;
  stage: string | null;
  occurredAt: string;
  /** Fields of a sensitive category are absent for roles not granted them. */
  data: Record<string, unknown>;
  createdAt: string;
}

/** Who changed which fields of a record, and when: names only, never values. */
export interface RecordChangeView {
  at: string;
  action: 'create' | 'update';
  actorId: string | null;
  actorType: string;
  fields: string[];
}

/** Counts (and totals) per group: never an individual's record, name or id. */
export interface RecordReport {
  type: string;
  groupBy: 'stage' | 'day' | 'month';
  sum: string | null;
  groups: { group: string | null; count: number; total: number | null }[];
}
