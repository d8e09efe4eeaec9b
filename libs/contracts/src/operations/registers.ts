import { z } from 'zod';
import { operation } from '../operation.js';
import {
  affectedViewSchema,
  createIncidentSchema,
  createLegalRequestSchema,
  decideLegalRequestSchema,
  incidentIdSchema,
  incidentNoticesSchema,
  incidentStageSchema,
  incidentStatusSchema,
  incidentViewSchema,
  legalReportQuerySchema,
  legalReportSchema,
  legalRequestIdSchema,
  legalRequestViewSchema,
  listIncidentsSchema,
  listLegalRequestsSchema,
  notifyIncidentSchema,
  notifyResultSchema,
} from '../registers.js';

const LEGAL = 'platform:legal_requests:manage' as const;
const INCIDENTS = 'platform:incidents:manage' as const;

/** The law-enforcement register (compliance): requests, decisions, disclosures, the tenant's notice. */
export const LegalRequestOps = {
  // The gateway matches static segments first: `report` never reaches `:id`.
  report: operation({
    name: 'compliance.legal-requests.report',
    request: legalReportQuerySchema,
    response: legalReportSchema,
    access: LEGAL,
    audit: { action: 'read', resourceType: 'legal_request_report', resourceIdField: null },
    summary: 'Transparency report: requests received in [from, to) counted by period, authority type and decision',
    http: { method: 'GET', path: 'v1/platform/legal-requests/report', tag: 'platform' },
  }),
  create: operation({
    name: 'compliance.legal-requests.create',
    request: createLegalRequestSchema,
    response: legalRequestViewSchema,
    access: LEGAL,
    audit: { action: 'create', resourceType: 'legal_request', resourceIdField: null },
    summary:
      'Record a law-enforcement request: authority, legal instrument, scope, dates, decision, what was disclosed ' +
      '(an audited export), an optional legal bar; the tenant’s owner is told now, or when the bar ends',
    http: { method: 'POST', path: 'v1/platform/legal-requests', tag: 'platform' },
  }),
  list: operation({
    name: 'compliance.legal-requests.list',
    request: listLegalRequestsSchema,
    response: z.object({ items: z.array(legalRequestViewSchema) }),
    access: LEGAL,
    audit: { action: 'list', resourceType: 'legal_request', resourceIdField: null },
    summary: 'The law-enforcement register, newest received first (?tenantId=, ?decision=)',
    http: { method: 'GET', path: 'v1/platform/legal-requests', tag: 'platform' },
  }),
  get: operation({
    name: 'compliance.legal-requests.get',
    request: legalRequestIdSchema,
    response: legalRequestViewSchema,
    access: LEGAL,
    audit: { action: 'read', resourceType: 'legal_request' },
    summary: 'One law-enforcement request with its notice to the tenant',
    http: { method: 'GET', path: 'v1/platform/legal-requests/:id', tag: 'platform' },
  }),
  decide: operation({
    name: 'compliance.legal-requests.decide',
    request: decideLegalRequestSchema,
    response: legalRequestViewSchema,
    access: LEGAL,
    audit: { action: 'update', resourceType: 'legal_request' },
    summary: 'Decide a pending request: disclosed, partially or refused; a disclosure is an audited export',
    http: { method: 'POST', path: 'v1/platform/legal-requests/:id/decision', tag: 'platform', status: 200 },
  }),
} as const;

/** The breach register (compliance): incidents, their Rule 7 clocks, affected principals, notices. */
export const IncidentOps = {
  create: operation({
    name: 'compliance.incidents.create',
    request: createIncidentSchema,
    response: incidentViewSchema,
    access: INCIDENTS,
    audit: { action: 'create', resourceType: 'incident', resourceIdField: null },
    summary:
      'Record a personal-data breach: detected at, description, categories, tenants, the window and the actor ' +
      'or key involved; its DPDP Rule 7 clocks (Board intimation, 72-hour report) and CERT-In’s 6 hours start',
    http: { method: 'POST', path: 'v1/platform/incidents', tag: 'platform' },
  }),
  list: operation({
    name: 'compliance.incidents.list',
    request: listIncidentsSchema,
    response: z.object({ items: z.array(incidentViewSchema) }),
    access: INCIDENTS,
    audit: { action: 'list', resourceType: 'incident', resourceIdField: null },
    summary: 'The breach register, newest detected first (?status=)',
    http: { method: 'GET', path: 'v1/platform/incidents', tag: 'platform' },
  }),
  get: operation({
    name: 'compliance.incidents.get',
    request: incidentIdSchema,
    response: incidentViewSchema,
    access: INCIDENTS,
    audit: { action: 'read', resourceType: 'incident' },
    summary: 'One incident: status, timeline, the Rule 7 stages and CERT-In with their due times',
    http: { method: 'GET', path: 'v1/platform/incidents/:id', tag: 'platform' },
  }),
  affected: operation({
    name: 'compliance.incidents.affected',
    request: incidentIdSchema,
    response: affectedViewSchema,
    access: INCIDENTS,
    audit: { action: 'read', resourceType: 'incident' },
    summary:
      'The affected principals, derived from the audit trail: customers the involved actor or key accessed ' +
      'in the window, in the incident’s tenants (pseudonymous IDs, access counts, categories)',
    http: { method: 'GET', path: 'v1/platform/incidents/:id/affected', tag: 'platform' },
  }),
  status: operation({
    name: 'compliance.incidents.status',
    request: incidentStatusSchema,
    response: incidentViewSchema,
    access: INCIDENTS,
    audit: { action: 'update', resourceType: 'incident' },
    summary: 'Move an incident forward (detected → investigating → contained → resolved → closed)',
    http: { method: 'POST', path: 'v1/platform/incidents/:id/status', tag: 'platform', status: 200 },
  }),
  stage: operation({
    name: 'compliance.incidents.stage',
    request: incidentStageSchema,
    response: incidentViewSchema,
    access: INCIDENTS,
    audit: { action: 'update', resourceType: 'incident' },
    summary: 'Record a filing: the Board intimation, the Board’s detailed report or the CERT-In report',
    http: { method: 'POST', path: 'v1/platform/incidents/:id/stages', tag: 'platform', status: 200 },
  }),
  notify: operation({
    name: 'compliance.incidents.notify',
    request: notifyIncidentSchema,
    response: notifyResultSchema,
    access: INCIDENTS,
    audit: { action: 'update', resourceType: 'incident' },
    summary:
      'Tell each affected principal (what, when, impact, mitigation, what they can do, a contact) and each ' +
      'affected tenant’s owner, through notifications; a notice is never sent twice',
    http: { method: 'POST', path: 'v1/platform/incidents/:id/notify', tag: 'platform', status: 200 },
  }),
  notices: operation({
    name: 'compliance.incidents.notices',
    request: incidentIdSchema,
    response: incidentNoticesSchema,
    access: INCIDENTS,
    audit: { action: 'read', resourceType: 'incident' },
    summary: 'The incident’s notices with the delivery status notifications reports for each',
    http: { method: 'GET', path: 'v1/platform/incidents/:id/notices', tag: 'platform' },
  }),
} as const;
