import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';
import { addressSchema, languageSchema } from './customers.js';
import { NoticeLanguages, purposeKeySchema } from './privacy.js';
import {
  RightsErasurePhases,
  RightsRequestKinds,
  RightsRequestStatuses,
  rightsRequestViewSchema,
  rightsResultRequestSchema,
} from './rights.js';

/* ---------------------------------------------------------------------------------------------
 * The principal's own public route (issue 12): a rights request or a consent withdrawal filed by
 * the principal with no sign-in, verified by a one-time code sent to the phone or email on record.
 * ------------------------------------------------------------------------------------------- */

/** What a verification is for. */
export const PublicVerificationPurposes = ['rights_request', 'consent_withdrawal', 'consent_given'] as const;
export type PublicVerificationPurpose = (typeof PublicVerificationPurposes)[number];

/** Exactly one of phone or email: where the code goes (it must be the one on record). */
const principalAddress = {
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
};
const oneAddress = (p: { phone?: string | undefined; email?: string | undefined }) =>
  (p.phone === undefined) !== (p.email === undefined);
const ONE_ADDRESS = { message: 'give exactly one of phone or email (the one the business has on record)' };

/**
 * What a correction asks to change in the customer's profile (tenant-data's fields a principal may correct:
 * name, contact, addresses, language). Applied through tenant-data's normal update, which validates again.
 */
export const rightsCorrectionsSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    phone: phoneSchema.optional(),
    email: emailSchema.optional(),
    addresses: z.array(addressSchema).max(5).optional(),
    preferredLanguage: languageSchema.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'give at least one field to correct');
export type RightsCorrections = z.infer<typeof rightsCorrectionsSchema>;

const CORRECTIONS_ONLY = {
  message: 'corrections go with a correction request only',
  path: ['corrections'],
};
const correctionsFit = (r: { kind: string; corrections?: unknown }) =>
  r.corrections === undefined || r.kind === 'correction';

const rightsRequestShape = {
  kind: z.enum(RightsRequestKinds),
  ...principalAddress,
  /** What the principal asks, in their words (encrypted at rest). */
  details: z.string().trim().min(1).max(2000).optional(),
  /** For a correction: the changes asked for (applied when staff approve it). */
  corrections: rightsCorrectionsSchema.optional(),
};
/** The body of `POST /v1/public/tenants/:tenantId/privacy/requests`. */
export const publicRightsRequestBodySchema = z
  .strictObject(rightsRequestShape)
  .refine(oneAddress, ONE_ADDRESS)
  .refine(correctionsFit, CORRECTIONS_ONLY);
export const publicRightsRequestSchema = z
  .strictObject({ tenantId: z.uuid(), ...rightsRequestShape })
  .refine(oneAddress, ONE_ADDRESS)
  .refine(correctionsFit, CORRECTIONS_ONLY);
export type PublicRightsRequest = z.infer<typeof publicRightsRequestSchema>;

const withdrawalShape = {
  /** The purpose withdrawn (the tenant's key, e.g. `marketing`). */
  purpose: purposeKeySchema,
  ...principalAddress,
};
/** The body of `POST /v1/public/tenants/:tenantId/privacy/consents/withdrawals`. */
export const publicConsentWithdrawalBodySchema = z.strictObject(withdrawalShape).refine(oneAddress, ONE_ADDRESS);
export const publicConsentWithdrawalSchema = z
  .strictObject({ tenantId: z.uuid(), ...withdrawalShape })
  .refine(oneAddress, ONE_ADDRESS);
export type PublicConsentWithdrawal = z.infer<typeof publicConsentWithdrawalSchema>;

const givingShape = {
  /** The purpose consented to (the tenant's key, e.g. `marketing`). */
  purpose: purposeKeySchema,
  /** The notice shown on the form (GET /v1/public/tenants/:tenantId/privacy/notices): its version and language. */
  notice: z.strictObject({ version: z.string().trim().min(1).max(40), language: z.enum(NoticeLanguages) }),
  ...principalAddress,
};
/** The body of `POST /v1/public/tenants/:tenantId/privacy/consents`. */
export const publicConsentBodySchema = z.strictObject(givingShape).refine(oneAddress, ONE_ADDRESS);
export const publicConsentSchema = z
  .strictObject({ tenantId: z.uuid(), ...givingShape })
  .refine(oneAddress, ONE_ADDRESS);
export type PublicConsent = z.infer<typeof publicConsentSchema>;

/** The body of a verification step. */
export const publicVerificationBodySchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/, 'the 6-digit code'),
});
export const publicVerificationSchema = publicVerificationBodySchema.extend({
  tenantId: z.uuid(),
  verificationId: z.uuid(),
});
export type PublicVerification = z.infer<typeof publicVerificationSchema>;

/** The answer to a public filing: the same whether or not the address belongs to a principal of the tenant. */
export const verificationPendingSchema = z.object({
  verificationId: z.uuid(),
  status: z.literal('verification_pending'),
  expiresAt: z.iso.datetime(),
});
export type VerificationPending = z.infer<typeof verificationPendingSchema>;

/** A verified public rights request: the request filed (or the open one it joined). */
export const publicRightsRequestFiledSchema = z.object({
  id: z.uuid(),
  status: z.enum(RightsRequestStatuses),
  kind: z.enum(RightsRequestKinds),
  dueAt: z.iso.datetime(),
  /**
   * Shown once: the secret that reads this request's status, document and certificate on the public route
   * (only its keyed hash is kept). It lasts while the request is open and 30 days after it closes.
   */
  readToken: z.string(),
});

/** A read token (32 random bytes, base64url); any other string is a wrong token: the same 404, not a 400. */
export const publicReadTokenSchema = z.string().max(200);

/** `GET /v1/public/tenants/:tenantId/privacy/requests/:id` (and `/result`, `/certificate`) with the read token. */
export const publicRequestReadSchema = z.strictObject({
  tenantId: z.uuid(),
  id: z.uuid(),
  token: publicReadTokenSchema,
});
export type PublicRequestRead = z.infer<typeof publicRequestReadSchema>;
export const publicRequestResultReadSchema = publicRequestReadSchema.extend(
  rightsResultRequestSchema.omit({ id: true }).shape,
);

/** What the principal reads of their own request: where it stands, never what staff noted about it. */
export const publicRightsRequestStatusSchema = z.object({
  id: z.uuid(),
  kind: z.enum(RightsRequestKinds),
  status: z.enum(RightsRequestStatuses),
  receivedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  completedAt: z.iso.datetime().nullable(),
  rejection: z.object({ reason: z.string(), at: z.iso.datetime() }).nullable(),
  /** An erasure: its phase. */
  erasure: z.object({ phase: z.enum(RightsErasurePhases) }).optional(),
  /** Whether `/result` (a completed access or export) or `/certificate` (a completed erasure) has something. */
  resultReady: z.boolean(),
  certificateReady: z.boolean(),
});
export type PublicRightsRequestStatus = z.infer<typeof publicRightsRequestStatusSchema>;

/** A verified public consent: the record made (through `POST /v1/privacy/consents`'s use case). */
export const publicConsentGivenSchema = z.object({
  id: z.uuid(),
  purpose: z.string(),
  status: z.enum(['active', 'withdrawn', 'expired']),
  givenAt: z.iso.datetime(),
});

/** A verified public withdrawal: how many consent records it withdrew. */
export const publicConsentWithdrawnSchema = z.object({
  purpose: z.string(),
  withdrawn: z.number().int().nonnegative(),
  withdrawnAt: z.iso.datetime(),
});

/* ---------------------- what compliance asks the other services (services only) ---------------------- */

export const tenantPublicStatusSchema = z.object({ tenantId: z.uuid(), active: z.boolean() });

export const findPrincipalSchema = z
  .strictObject({ tenantId: z.uuid(), ...principalAddress })
  .refine(oneAddress, ONE_ADDRESS);
export const foundPrincipalSchema = z.object({ customerId: z.uuid().nullable() });

/* ------------------------------------ applying a correction ------------------------------------ */

/** `POST /v1/privacy/requests/:id/correction`: apply the changes asked for (or these) and complete the request. */
export const applyCorrectionSchema = z.strictObject({
  id: z.uuid(),
  /** The changes to apply; absent: those the principal asked for on the public route. */
  changes: rightsCorrectionsSchema.optional(),
});
export const correctionAppliedSchema = z.object({
  request: rightsRequestViewSchema,
  /** The customer's fields the correction changed (a field given with its current value is not listed). */
  changed: z.array(z.string()),
});
