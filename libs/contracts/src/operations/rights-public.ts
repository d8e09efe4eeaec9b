import { z } from 'zod';
import { operation } from '../operation.js';
import { consentViewSchema } from '../privacy.js';
import { deletionCertificateSchema } from '../deletion-certificate.js';
import { rightsDocumentSchema } from '../rights.js';
import {
  applyCorrectionSchema,
  correctionAppliedSchema,
  findPrincipalSchema,
  foundPrincipalSchema,
  publicConsentGivenSchema,
  publicConsentSchema,
  publicConsentWithdrawalSchema,
  publicConsentWithdrawnSchema,
  publicRightsRequestFiledSchema,
  publicRightsRequestSchema,
  publicRightsRequestStatusSchema,
  publicRequestReadSchema,
  publicRequestResultReadSchema,
  publicVerificationSchema,
  tenantPublicStatusSchema,
  verificationPendingSchema,
} from '../rights-public.js';

const HAND_WRITTEN = 'is hand-written: no bearer token, and a refusal over a limit sets Retry-After';
const WHY_PUBLIC =
  'A principal is not a user of the platform: anyone may call it, and only a code sent to the address on ' +
  'record proves who they are';

/**
 * The principal's public route (compliance): a rights request or a consent withdrawal with a one-time code
 * sent to the phone or email on record; the same answer whether or not the address is known. `whileReadOnly`:
 * a principal's rights do not lapse because the tenant has not paid.
 */
export const PublicRightsOps = {
  request: operation({
    name: 'compliance.public-rights.request',
    request: publicRightsRequestSchema,
    response: verificationPendingSchema,
    access: 'public',
    audit: { action: 'create', resourceType: 'rights_verification', resourceIdField: null },
    summary:
      'A principal asks for a rights request; a 6-digit code goes to the phone or email on record (the same answer ' +
      'whether or not it is known)',
    internal: `POST v1/public/tenants/:tenantId/privacy/requests ${HAND_WRITTEN}. ${WHY_PUBLIC}`,
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
  }),
  verifyRequest: operation({
    name: 'compliance.public-rights.verify-request',
    request: publicVerificationSchema,
    response: publicRightsRequestFiledSchema,
    access: 'public',
    audit: { action: 'update', resourceType: 'rights_verification', resourceIdField: 'verificationId' },
    summary: 'The code of a public rights request: the request is filed (or joins the open one of its kind)',
    internal: `POST v1/public/tenants/:tenantId/privacy/requests/:verificationId/verification ${HAND_WRITTEN}`,
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
  }),
  give: operation({
    name: 'compliance.public-rights.give',
    request: publicConsentSchema,
    response: verificationPendingSchema,
    access: 'public',
    audit: { action: 'create', resourceType: 'rights_verification', resourceIdField: null },
    summary:
      'A principal gives consent for one of the tenant’s purposes under the notice shown; a 6-digit code goes to ' +
      'the phone or email given, and the consent is recorded once it is entered',
    internal: `POST v1/public/tenants/:tenantId/privacy/consents ${HAND_WRITTEN}`,
    whileReadOnly: 'giving consent is the principal’s act, not the tenant’s',
  }),
  verifyGiving: operation({
    name: 'compliance.public-rights.verify-giving',
    request: publicVerificationSchema,
    response: publicConsentGivenSchema,
    access: 'public',
    audit: { action: 'update', resourceType: 'rights_verification', resourceIdField: 'verificationId' },
    summary: 'The code of a public consent: the consent is recorded as POST v1/privacy/consents records it',
    internal: `POST v1/public/tenants/:tenantId/privacy/consents/:verificationId/verification ${HAND_WRITTEN}`,
    whileReadOnly: 'giving consent is the principal’s act, not the tenant’s',
  }),
  withdraw: operation({
    name: 'compliance.public-rights.withdraw',
    request: publicConsentWithdrawalSchema,
    response: verificationPendingSchema,
    access: 'public',
    audit: { action: 'create', resourceType: 'rights_verification', resourceIdField: null },
    summary:
      'A principal withdraws consent for a purpose; a 6-digit code goes to the address (the same answer whether or ' +
      'not it has a consent)',
    internal: `POST v1/public/tenants/:tenantId/privacy/consents/withdrawals ${HAND_WRITTEN}`,
    whileReadOnly: 'withdrawing consent must stay as easy as giving it',
  }),
  verifyWithdrawal: operation({
    name: 'compliance.public-rights.verify-withdrawal',
    request: publicVerificationSchema,
    response: publicConsentWithdrawnSchema,
    access: 'public',
    audit: { action: 'update', resourceType: 'rights_verification', resourceIdField: 'verificationId' },
    summary: 'The code of a public consent withdrawal: every active consent of the address for the purpose ends',
    internal:
      `POST v1/public/tenants/:tenantId/privacy/consents/withdrawals/:verificationId/verification ` + HAND_WRITTEN,
    whileReadOnly: 'withdrawing consent must stay as easy as giving it',
  }),
  readRequest: operation({
    name: 'compliance.public-rights.read-request',
    request: publicRequestReadSchema,
    response: publicRightsRequestStatusSchema,
    access: 'public',
    audit: { action: 'read', resourceType: 'rights_request' },
    summary:
      'A principal reads where their request stands, with the read token its verification answered (a wrong ' +
      'token, request or tenant: the same 404)',
    internal: `GET v1/public/tenants/:tenantId/privacy/requests/:id ${HAND_WRITTEN}; the token in ?token= or a header`,
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
  }),
  readResult: operation({
    name: 'compliance.public-rights.read-result',
    request: publicRequestResultReadSchema,
    response: z.object({ document: rightsDocumentSchema, html: z.string().nullable(), language: z.string() }),
    access: 'public',
    audit: { action: 'export', resourceType: 'rights_request' },
    summary: 'A principal reads the access or export document of their completed request (JSON, or HTML)',
    internal: `GET v1/public/tenants/:tenantId/privacy/requests/:id/result ${HAND_WRITTEN}; HTML for Accept text/html`,
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
  }),
  readCertificate: operation({
    name: 'compliance.public-rights.read-certificate',
    request: publicRequestReadSchema,
    response: deletionCertificateSchema,
    access: 'public',
    audit: { action: 'read', resourceType: 'deletion_certificate' },
    summary: 'A principal downloads the signed deletion certificate of their completed erasure request',
    internal: `GET v1/public/tenants/:tenantId/privacy/requests/:id/certificate ${HAND_WRITTEN}`,
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
  }),
  customerConsents: operation({
    name: 'compliance.consents.of-customer',
    request: z.strictObject({ id: z.uuid() }),
    response: z.object({ items: z.array(consentViewSchema) }),
    access: 'privacy:consents:read',
    audit: { action: 'list', resourceType: 'consent', resourceIdField: null },
    summary: 'A customer’s consents, newest first, with where each is applied (as GET v1/privacy/consents?customerId=)',
    http: { method: 'GET', path: 'v1/customers/:id/consents', tag: 'privacy' },
  }),
  applyCorrection: operation({
    name: 'compliance.rights-requests.correct',
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
    request: applyCorrectionSchema,
    response: correctionAppliedSchema,
    // Tenant-data checks the caller's own `customers:write` when the change is applied under their token.
    access: 'privacy:requests:write',
    audit: { action: 'update', resourceType: 'rights_request' },
    summary:
      'Approve a correction request: the changes (the principal’s, or those given) are applied through the ' +
      'customer’s normal update (validated, field history, audited) and the request completes with what changed',
    http: { method: 'POST', path: 'v1/privacy/requests/:id/correction', tag: 'privacy', status: 200 },
  }),
  tenantStatus: operation({
    name: 'identity.tenants.public-status',
    // A service caller carries no tenant: the request names it.
    request: z.strictObject({ tenantId: z.uuid() }),
    response: tenantPublicStatusSchema,
    // Services only (the bus key).
    access: 'public',
    audit: { action: 'read', resourceType: 'tenant', resourceIdField: 'tenantId' },
    summary: 'Whether a tenant exists and is active, for the principal’s public route',
    internal: 'only services call it: compliance answers a public request only for an active tenant',
  }),
  findPrincipal: operation({
    name: 'tenant-data.customers.find-principal',
    request: findPrincipalSchema,
    response: foundPrincipalSchema,
    // Services only (the bus key).
    access: 'public',
    audit: { action: 'read', resourceType: 'customer', resourceIdField: null },
    summary: 'The customer holding exactly this phone or email, to verify a principal on the public route',
    internal: 'only services call it: compliance sends a public request’s code only to an address on record',
  }),
} as const;
