import { z } from 'zod';
import { operation, pageSchema } from '../operation.js';
import {
  completeRightsRequestSchema,
  fileRightsRequestSchema,
  listRightsRequestsSchema,
  rejectRightsRequestSchema,
  rightsDocumentSchema,
  rightsRequestIdSchema,
  rightsRequestViewSchema,
  rightsResultRequestSchema,
} from '../rights.js';

/** Data principals' rights requests (compliance): filed by the tenant's staff, answered by every service. */
export const RightsOps = {
  fileRequest: operation({
    name: 'compliance.rights-requests.file',
    request: fileRightsRequestSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:write',
    audit: { action: 'create', resourceType: 'rights_request', resourceIdField: null },
    summary:
      'File a principal’s rights request (access, export, correction, erasure, grievance, nomination); a request ' +
      'of the same principal and kind still open is joined, not filed twice',
    http: { method: 'POST', path: 'v1/privacy/requests', tag: 'privacy', status: 202 },
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
    response: z.object({ document: rightsDocumentSchema, html: z.string().nullable() }),
    access: 'privacy:requests:read',
    audit: { action: 'export', resourceType: 'rights_request' },
    summary:
      'The access or export document of a completed request: what is held, by category and purpose, since when, ' +
      'shared with whom, and the processing on the audit trail (`?format=html` for a readable page)',
    internal: 'GET v1/privacy/requests/:id/result is hand-written: ?format=html serves the page as text/html',
  }),
  rejectRequest: operation({
    name: 'compliance.rights-requests.reject',
    request: rejectRightsRequestSchema,
    response: rightsRequestViewSchema,
    access: 'privacy:requests:write',
    audit: { action: 'update', resourceType: 'rights_request' },
    summary: 'Reject an open request, with a reason the principal sees',
    http: { method: 'POST', path: 'v1/privacy/requests/:id/rejection', tag: 'privacy', status: 200 },
  }),
  completeRequest: operation({
    name: 'compliance.rights-requests.complete',
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
