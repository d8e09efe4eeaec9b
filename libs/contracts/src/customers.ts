import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';
import type { DataCategory } from './data-categories.js';

export const addressSchema = z.strictObject({
  label: z.string().trim().min(1).max(40).optional(),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  state: z.string().trim().max(100).optional(),
  pincode: z
    .string()
    .regex(/^[1-9]\d{5}$/, 'must be a 6-digit PIN code')
    .optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const tagSchema = z.string().trim().toLowerCase().min(1).max(40);
/** A BCP 47 language tag as products use them: `hi`, `ta`, `en-IN`. */
export const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as hi, ta or en-IN');
export const MarketingChannels = ['sms', 'whatsapp', 'email'] as const;
export type MarketingChannel = (typeof MarketingChannels)[number];
export const marketingConsentSchema = z.strictObject({
  sms: z.boolean().optional(),
  whatsapp: z.boolean().optional(),
  email: z.boolean().optional(),
});
export type MarketingConsent = Record<MarketingChannel, boolean>;

/** Tenant-defined extra fields: a flat map of scalar values under identifier-like keys. */
export const extraFieldsSchema = z
  .record(
    z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'keys are letters, digits and _ (at most 40)'),
    z.union([z.string().max(1000), z.number(), z.boolean()]),
  )
  .refine((m) => Object.keys(m).length <= 30, 'at most 30 extra fields');
export type ExtraFields = z.infer<typeof extraFieldsSchema>;

const customerFields = {
  name: z.string().trim().min(1).max(200),
  phone: phoneSchema,
  email: emailSchema,
  addresses: z.array(addressSchema).max(5),
  notes: z.string().max(5000),
  /** Medical or fitness notes (category user.health): shown only to roles granted sensitive data. */
  healthNotes: z.string().max(5000),
  tags: z
    .array(tagSchema)
    .max(20)
    .transform((tags) => [...new Set(tags)]),
  preferredLanguage: languageSchema,
  marketingConsent: marketingConsentSchema,
  extra: extraFieldsSchema,
};

export const createCustomerSchema = z.strictObject({
  name: customerFields.name,
  phone: customerFields.phone.optional(),
  email: customerFields.email.optional(),
  addresses: customerFields.addresses.optional(),
  notes: customerFields.notes.optional(),
  healthNotes: customerFields.healthNotes.optional(),
  tags: customerFields.tags.optional(),
  preferredLanguage: customerFields.preferredLanguage.optional(),
  marketingConsent: customerFields.marketingConsent.optional(),
  extra: customerFields.extra.optional(),
});
export type CreateCustomerRequest = z.infer<typeof createCustomerSchema>;

/** A PATCH body: only the fields given change; `null` clears an optional field. */
export const patchCustomerSchema = z
  .strictObject({
    name: customerFields.name.optional(),
    phone: customerFields.phone.nullable().optional(),
    email: customerFields.email.nullable().optional(),
    addresses: customerFields.addresses.optional(),
    notes: customerFields.notes.nullable().optional(),
    healthNotes: customerFields.healthNotes.nullable().optional(),
    tags: customerFields.tags.optional(),
    preferredLanguage: customerFields.preferredLanguage.nullable().optional(),
    marketingConsent: customerFields.marketingConsent.optional(),
    extra: customerFields.extra.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');
export type PatchCustomerRequest = z.infer<typeof patchCustomerSchema>;
export const updateCustomerSchema = z.strictObject({ id: z.uuid(), patch: patchCustomerSchema });
export type UpdateCustomerRequest = z.infer<typeof updateCustomerSchema>;

export const customerIdSchema = z.strictObject({ id: z.uuid() });

export const listCustomersSchema = z.strictObject({
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  tag: tagSchema.optional(),
  preferredLanguage: languageSchema.optional(),
  consent: z.enum(MarketingChannels).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListCustomersRequest = z.infer<typeof listCustomersSchema>;

/**
 * A customer as the caller may see it: fields of a category the caller's roles may not see are
 * absent, and contact details are masked for roles without `customers:read:contact`.
 */
/** CSV import limits: one request body, and rows after the header. */
export const CUSTOMER_IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const CUSTOMER_IMPORT_MAX_ROWS = 10_000;

/** One row of an import as it crosses the bus: its line in the file (header = 1) and the customer. */
export const importRowSchema = z.strictObject({ row: z.number().int().min(2), customer: createCustomerSchema });
export type ImportRow = z.input<typeof importRowSchema>;

/**
 * A chunk of an import (the gateway keeps each message far below the broker's 1 MiB limit). The
 * service checks it again; unless `validateOnly`, it keeps the chunk encrypted until the commit.
 */
export const stageCustomerImportSchema = z.strictObject({
  importId: z.uuid(),
  chunk: z.number().int().min(0).max(999),
  validateOnly: z.boolean(),
  rows: z.array(importRowSchema).min(1).max(CUSTOMER_IMPORT_MAX_ROWS),
});
export type StageCustomerImportRequest = z.input<typeof stageCustomerImportSchema>;
/** Turns every staged chunk into customers in one transaction, or changes nothing. */
export const commitCustomerImportSchema = z.strictObject({
  importId: z.uuid(),
  chunks: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(CUSTOMER_IMPORT_MAX_ROWS),
});
export type CommitCustomerImportRequest = z.infer<typeof commitCustomerImportSchema>;
export const discardCustomerImportSchema = z.strictObject({ importId: z.uuid() });

/** A bad row of an import: its line, the field (a column name) and why — never the value. */
export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}
export interface StageCustomerImportResult {
  errors: ImportRowError[];
}
export interface CustomerImportResult {
  imported: number;
  /** The new customers' ids, in file order. */
  ids: string[];
}

export const exportCustomersSchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(500),
});
export type ExportCustomersRequest = z.infer<typeof exportCustomersSchema>;
/** A page of an export; `fields` are the customer fields the caller's roles may see. */
export interface CustomerExportPage extends Page<CustomerView> {
  fields: string[];
}

export interface CustomerView {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  addresses: Address[];
  notes: string | null;
  healthNotes?: string | null;
  tags: string[];
  preferredLanguage: string | null;
  marketingConsent: MarketingConsent;
  extra: ExtraFields;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerChangeView {
  at: string;
  action: 'create' | 'update';
  actorId: string | null;
  actorType: string;
  fields: { name: string; category: DataCategory }[];
}

export interface DataMapEntry {
  entity: string;
  field: string;
  category: DataCategory;
  sensitive: boolean;
  storage: 'encrypted' | 'encrypted+blind-index' | 'plain';
  maskedFor: string[];
  hiddenFrom: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
