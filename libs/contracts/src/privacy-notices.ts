import { z } from 'zod';
import { dataCategorySchema } from './data-categories.js';
import { NoticeLanguages, purposeKeySchema } from './privacy.js';
import { RIGHTS_SERVICES } from './rights.js';

/* ---------------------------------------------------------------------------------------------
 * Versioned privacy notices (issue 12, "Notices"): the tenant's notice per language, itemising the
 * data it holds by category and the purposes it processes them for. A version never changes: a new
 * publication is the next version of its language.
 * ------------------------------------------------------------------------------------------- */

export const noticeLanguageSchema = z.enum(NoticeLanguages);
export type NoticeLanguage = z.infer<typeof noticeLanguageSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

export const publishNoticeSchema = z
  .strictObject({
    language: noticeLanguageSchema,
    /** The version being published: when given it must be the next one of the language (a guard against races). */
    version: z.number().int().positive().optional(),
    title: text(200),
    /** The notice's text, section by section. */
    sections: z
      .array(z.strictObject({ heading: text(200), body: text(10_000) }))
      .min(1)
      .max(50),
    /** The data held, by category, with the label the principal reads in this language. */
    categories: z
      .array(z.strictObject({ category: dataCategorySchema, label: text(200), description: text(1000).optional() }))
      .min(1)
      .max(30),
    /** The purposes (keys of the tenant's purposes) with their label in this language. */
    purposes: z
      .array(z.strictObject({ key: purposeKeySchema, label: text(200), description: text(1000).optional() }))
      .max(50),
    /** A material change: the tenant's owner and principals with active consents are told, and consents given
     * under an earlier version need re-acceptance. */
    material: z.boolean(),
    summaryOfChanges: text(2000).optional(),
  })
  .refine((n) => new Set(n.categories.map((c) => c.category)).size === n.categories.length, {
    message: 'each category once',
    path: ['categories'],
  })
  .refine((n) => new Set(n.purposes.map((p) => p.key)).size === n.purposes.length, {
    message: 'each purpose once',
    path: ['purposes'],
  })
  .refine((n) => !n.material || n.summaryOfChanges !== undefined, {
    message: 'a material change says what changed (summaryOfChanges)',
    path: ['summaryOfChanges'],
  });
export type PublishNoticeRequest = z.infer<typeof publishNoticeSchema>;

const booleanQuery = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const listNoticesSchema = z.strictObject({
  language: noticeLanguageSchema.optional(),
  /** `true`: only the current (latest) version of each language. */
  current: booleanQuery.optional(),
});
export type ListNoticesRequest = z.infer<typeof listNoticesSchema>;

export const noticeIdSchema = z.strictObject({ id: z.uuid() });

export const publicNoticeRequestSchema = z.strictObject({
  tenantId: z.uuid(),
  language: noticeLanguageSchema.default('en'),
});

export const noticeViewSchema = z.object({
  id: z.uuid(),
  language: noticeLanguageSchema,
  version: z.number().int().positive(),
  title: z.string(),
  sections: z.array(z.object({ heading: z.string(), body: z.string() })),
  categories: z.array(
    z.object({ category: dataCategorySchema, label: z.string(), description: z.string().optional() }),
  ),
  purposes: z.array(z.object({ key: z.string(), label: z.string(), description: z.string().optional() })),
  material: z.boolean(),
  summaryOfChanges: z.string().nullable(),
  publishedAt: z.iso.datetime(),
  /** True for the latest version of its language. */
  current: z.boolean(),
});
export type NoticeView = z.infer<typeof noticeViewSchema>;

/** What the tenant's staff see: who published it and who was told of a material change. */
export const tenantNoticeViewSchema = noticeViewSchema.extend({
  publishedBy: z.object({ type: z.string(), id: z.string().nullable() }),
  /** For a material change: the notices queued to the owner and to principals (each person once). */
  notified: z.object({ owner: z.number().int(), principals: z.number().int() }).nullable(),
});
export type TenantNoticeView = z.infer<typeof tenantNoticeViewSchema>;

/** The public read: the current notice in the language asked for, or in English when it has none. */
export const publicNoticeViewSchema = noticeViewSchema.extend({
  /** True when the language asked for has no notice and the English one is served. */
  fallback: z.boolean(),
});

/* ------------------------------------------ data map ------------------------------------------ */

/** One declared table of one service: what it holds, the category and purpose (from the code's declarations). */
export const platformDataMapEntrySchema = z.object({
  service: z.enum(RIGHTS_SERVICES),
  table: z.string(),
  what: z.string(),
  category: dataCategorySchema,
  purpose: z.string(),
  /** The column naming the principal (null: the table holds no customer's data). */
  principalColumn: z.string().nullable(),
  notCustomers: z.string().optional(),
  partOf: z.string().optional(),
  withheld: z.string().optional(),
});
export type PlatformDataMapEntry = z.infer<typeof platformDataMapEntrySchema>;

export const serviceDeclarationsSchema = z.object({
  service: z.enum(RIGHTS_SERVICES),
  declarations: z.array(platformDataMapEntrySchema.omit({ service: true })),
});
export type ServiceDeclarations = z.infer<typeof serviceDeclarationsSchema>;

export const dataMapRequestSchema = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

export const platformDataMapSchema = z.object({
  generatedAt: z.iso.datetime(),
  services: z.array(z.object({ service: z.enum(RIGHTS_SERVICES), tables: z.number().int() })),
  entries: z.array(platformDataMapEntrySchema),
  /** Every category held, with the services that hold it. */
  categories: z.array(z.object({ category: dataCategorySchema, services: z.array(z.string()) })),
});
export type PlatformDataMap = z.infer<typeof platformDataMapSchema>;
