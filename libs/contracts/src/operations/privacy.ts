import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import {
  consentPurposeViewSchema,
  consentViewSchema,
  giveConsentSchema,
  listConsentsSchema,
  putConsentPurposeSchema,
  withdrawConsentSchema,
  withdrawConsentsOfSchema,
} from '../privacy.js';

/** Consent records (compliance): the tenant's purposes, consents given and withdrawn, where each is applied. */
export const PrivacyOps = {
  listConsentPurposes: operation({
    name: 'compliance.consent-purposes.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(consentPurposeViewSchema) }),
    access: ['privacy:consents:read', 'privacy:consents:write'],
    audit: { action: 'list', resourceType: 'consent_purpose' },
    summary: 'The tenant’s consent purposes and the messages each allows (the defaults until it sets its own)',
    http: { method: 'GET', path: 'v1/privacy/purposes', tag: 'privacy' },
  }),
  putConsentPurpose: operation({
    name: 'compliance.consent-purposes.put',
    request: putConsentPurposeSchema,
    response: consentPurposeViewSchema,
    access: 'privacy:consents:write',
    audit: { action: 'update', resourceType: 'consent_purpose', resourceIdField: 'key' },
    summary: 'Add a consent purpose or relabel one; `grants` says what notifications may send with it',
    http: { method: 'PUT', path: 'v1/privacy/purposes/:key', tag: 'privacy' },
  }),
  giveConsent: operation({
    name: 'compliance.consents.give',
    request: giveConsentSchema,
    response: consentViewSchema,
    access: 'privacy:consents:write',
    audit: { action: 'create', resourceType: 'consent', resourceIdField: null },
    summary:
      'Record a principal’s consent for a purpose: the notice version and language shown, channel, evidence, ' +
      'optional expiry; notifications applies it (see `applied`)',
    http: { method: 'POST', path: 'v1/privacy/consents', tag: 'privacy' },
  }),
  withdrawConsent: operation({
    name: 'compliance.consents.withdraw',
    whileReadOnly: 'withdrawing consent must stay as easy as giving it',
    request: withdrawConsentSchema,
    response: consentViewSchema,
    access: 'privacy:consents:write',
    audit: { action: 'update', resourceType: 'consent' },
    summary: 'Withdraw a consent (the record stays as history); notifications stops the affected sends',
    http: { method: 'DELETE', path: 'v1/privacy/consents/:id', tag: 'privacy', status: 200 },
  }),
  withdrawConsentsOf: operation({
    name: 'compliance.consents.withdraw-of',
    whileReadOnly: 'withdrawing consent must stay as easy as giving it',
    request: withdrawConsentsOfSchema,
    response: z.object({ items: z.array(consentViewSchema) }),
    access: 'privacy:consents:write',
    audit: { action: 'update', resourceType: 'consent', resourceIdField: null },
    summary: 'Withdraw every active consent of a principal for a purpose (by phone or email, as given)',
    http: { method: 'POST', path: 'v1/privacy/consents/withdrawals', tag: 'privacy', status: 200 },
  }),
  listConsents: operation({
    name: 'compliance.consents.list',
    request: listConsentsSchema,
    response: z.object({ items: z.array(consentViewSchema) }),
    access: 'privacy:consents:read',
    audit: { action: 'list', resourceType: 'consent', resourceIdField: null },
    summary: 'A principal’s consents, newest first (?customerId=, ?phone= or ?email=), with where each is applied',
    http: { method: 'GET', path: 'v1/privacy/consents', tag: 'privacy' },
  }),
} as const;
