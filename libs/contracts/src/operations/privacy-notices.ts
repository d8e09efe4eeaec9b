import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import {
  listNoticesSchema,
  noticeIdSchema,
  platformDataMapSchema,
  dataMapRequestSchema,
  publicNoticeRequestSchema,
  publicNoticeViewSchema,
  publishNoticeSchema,
  serviceDeclarationsSchema,
  tenantNoticeViewSchema,
} from '../privacy-notices.js';
import type { RightsService } from '../rights.js';

/** Versioned privacy notices per language (compliance), their public read, and the platform's data map. */
export const PrivacyNoticeOps = {
  publishNotice: operation({
    name: 'compliance.privacy-notices.publish',
    request: publishNoticeSchema,
    response: tenantNoticeViewSchema,
    access: 'privacy:notices:write',
    audit: { action: 'create', resourceType: 'privacy_notice', resourceIdField: null },
    summary:
      'Publish the next version of the tenant’s privacy notice in a language (categories and purposes itemised); ' +
      'a material change tells the owner and principals with active consents, and marks their consents for ' +
      're-acceptance',
    http: { method: 'POST', path: 'v1/privacy/notices', tag: 'privacy' },
  }),
  listNotices: operation({
    name: 'compliance.privacy-notices.list',
    request: listNoticesSchema,
    response: z.object({ items: z.array(tenantNoticeViewSchema) }),
    access: ['privacy:notices:read', 'privacy:notices:write'],
    audit: { action: 'list', resourceType: 'privacy_notice', resourceIdField: null },
    summary: 'The tenant’s privacy notices, newest first (?language=, ?current=true for the latest of each language)',
    http: { method: 'GET', path: 'v1/privacy/notices', tag: 'privacy' },
  }),
  getNotice: operation({
    name: 'compliance.privacy-notices.get',
    request: noticeIdSchema,
    response: tenantNoticeViewSchema,
    access: ['privacy:notices:read', 'privacy:notices:write'],
    audit: { action: 'read', resourceType: 'privacy_notice' },
    summary: 'One version of a privacy notice',
    http: { method: 'GET', path: 'v1/privacy/notices/:id', tag: 'privacy' },
  }),
  publicNotice: operation({
    name: 'compliance.privacy-notices.public',
    request: publicNoticeRequestSchema,
    response: publicNoticeViewSchema,
    // Anyone: a principal reads the notice before giving consent (no personal data in it).
    access: 'public',
    audit: { action: 'read', resourceType: 'privacy_notice', resourceIdField: null },
    summary: 'The tenant’s current privacy notice in a language (?language=; English when it has none in it)',
    http: { method: 'GET', path: 'v1/public/tenants/:tenantId/privacy/notices', tag: 'privacy' },
  }),
  dataMap: operation({
    name: 'compliance.data-map.get',
    request: dataMapRequestSchema,
    response: z.object({ map: platformDataMapSchema, html: z.string().nullable() }),
    access: 'privacy:data_map:read',
    audit: { action: 'read', resourceType: 'data_map', resourceIdField: null },
    summary:
      'Every personal field on the platform by service, table, data category and purpose, as each service declares ' +
      'it in code (`?format=html` for a printable page)',
    internal: 'GET v1/compliance/data-map is hand-written: ?format=html serves the page as text/html',
  }),
} as const;

/** A service's personal-data declarations, served by `RightsModule.forService` (compliance merges them). */
export function rightsDeclarationsOp<const S extends RightsService>(service: S) {
  return operation({
    name: `${service}.rights.declarations`,
    request: emptyRequestSchema,
    response: serviceDeclarationsSchema,
    // Services only (the bus key): the declarations are code, not data.
    access: 'public',
    audit: { action: 'read', resourceType: 'personal_data_declaration', resourceIdField: null },
    summary: `What ${service} declares it holds about people: table, category, purpose`,
    internal: 'only compliance calls it, to assemble the platform’s data map',
  });
}

export const RightsDeclarationOps = {
  identity: rightsDeclarationsOp('identity'),
  'tenant-data': rightsDeclarationsOp('tenant-data'),
  notifications: rightsDeclarationsOp('notifications'),
  billing: rightsDeclarationsOp('billing'),
  compliance: rightsDeclarationsOp('compliance'),
} as const satisfies Record<RightsService, unknown>;
