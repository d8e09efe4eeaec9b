import { z } from 'zod';
import { emptyRequestSchema, operation, pageSchema } from '../operation.js';
import { deletionCertificateSchema } from '../deletion-certificate.js';
import {
  completeRightsRequestSchema,
  fileRightsRequestSchema,
  listRightsRequestsSchema,
  putRightsPolicySchema,
  rejectRightsRequestSchema,
  rightsDocumentSchema,
  rightsPolicySchema,
  rightsRequestIdSchema,
  rightsRequestViewSchema,
  rightsResultRequestSchema,
} from '../rights.js';

/** Data principals' rights requests (compliance): filed by the tenant's staff, answered by every service. */
export const RightsOps = {
  fileRequest: operation({
    name: 'compliance.rights-requests.file',
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
    request: fileRightsRequestSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:write',
    audit: { action: 'create', resourceType: 'rights_request', resourceIdField: null },
    summary:
      'File a principal’s rights request (access, export, correction, erasure, grievance, nomination); a request ' +
      'of the same principal and kind still open is joined, not filed twice',
    http: { method: 'POST', path: 'v1/privacy/requests', tag: 'privacy', status: 202 },
  }),
  getPolicy: operation({
    name: 'compliance.rights-policy.get',
    request: emptyRequestSchema,
    response: rightsPolicySchema,
    access: ['privacy:requests:read', 'privacy:requests:write'],
    audit: { action: 'read', resourceType: 'rights_policy', resourceIdField: null },
    summary: 'The days the tenant gives itself to answer each kind of request (30 by default; grievances 90)',
    http: { method: 'GET', path: 'v1/privacy/request-policy', tag: 'privacy' },
  }),
  putPolicy: operation({
    name: 'compliance.rights-policy.put',
    request: putRightsPolicySchema,
    response: rightsPolicySchema,
    access: 'privacy:requests:write',
    audit: { action: 'update', resourceType: 'rights_policy', resourceIdField: 'kind' },
    summary: 'Set the days to answer one kind of request (1–90); requests filed afterwards are due by it',
    http: { method: 'PUT', path: 'v1/privacy/request-policy/:kind', tag: 'privacy' },
  }),
  listRequests: operation({
    name: 'compliance.rights-requests.list',
    request: listRightsRequestsSchema,
    response: pageSchema(rightsRequestViewSchema),
    access: 'privacy:requests:read',
    audit: { action: 'list', resourceType: 'rights_request', resourceIdField: null },
    summary: 'The tenant’s rights requests, newest first (?status=, ?overdue=true for open ones past their due date)',
    http: { method: 'GET', path: 'v1/privacy/requests', tag: 'privacy' },
  }),
  getRequest: operation({
    name: 'compliance.rights-requests.get',
    request: rightsRequestIdSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:read',
    audit: { action: 'read', resourceType: 'rights_request' },
    summary: 'One rights request: its status, due date and, for access and export, which services have answered',
    http: { method: 'GET', path: 'v1/privacy/requests/:id', tag: 'privacy' },
  }),
  requestResult: operation({
    name: 'compliance.rights-requests.result',
    request: rightsResultRequestSchema,
    response: z.object({ document: rightsDocumentSchema, html: z.string().nullable(), language: z.string() }),
    access: 'privacy:requests:read',
    audit: { action: 'export', resourceType: 'rights_request' },
    summary:
      'The access or export document of a completed request: what is held, by category and purpose, since when, ' +
      'shared with whom, and the processing on the audit trail (`?format=html` for a readable page, in `?language=` ' +
      'or the language of the principal’s consent notice where the tenant’s notice has one)',
    internal: 'GET v1/privacy/requests/:id/result is hand-written: ?format=html serves the page as text/html',
  }),
  requestCertificate: operation({
    name: 'compliance.rights-requests.certificate',
    request: rightsRequestIdSchema,
    response: deletionCertificateSchema,
    access: 'privacy:requests:read',
    audit: { action: 'read', resourceType: 'deletion_certificate' },
    summary:
      'The signed deletion certificate of a completed erasure request: the services and categories erased, what ' +
      'was retained and why, when (verify it offline with `lekha compliance verify-certificate`)',
    http: { method: 'GET', path: 'v1/privacy/requests/:id/certificate', tag: 'privacy' },
  }),
  rejectRequest: operation({
    name: 'compliance.rights-requests.reject',
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
    request: rejectRightsRequestSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:write',
    audit: { action: 'update', resourceType: 'rights_request' },
    summary: 'Reject an open request, with a reason the principal sees',
    http: { method: 'POST', path: 'v1/privacy/requests/:id/rejection', tag: 'privacy', status: 200 },
  }),
  completeRequest: operation({
    name: 'compliance.rights-requests.complete',
    whileReadOnly: 'a principal’s rights do not depend on the tenant’s account',
    request: completeRightsRequestSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:write',
    audit: { action: 'update', resourceType: 'rights_request' },
    summary:
      'Complete an open request the tenant handles itself (grievance, nomination, correction) with a note of ' +
      'what was done; access and export complete by themselves once every service has answered',
    http: { method: 'POST', path: 'v1/privacy/requests/:id/completion', tag: 'privacy', status: 200 },
  }),
} as const;
