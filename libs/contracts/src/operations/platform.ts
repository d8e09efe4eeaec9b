import { z } from 'zod';
import { anyRequestSchema, emptyRequestSchema, operation } from '../operation.js';

export const pingResultSchema = z.object({ service: z.string(), at: z.iso.datetime() });
export const transitKeyGrantSchema = z.object({
  tenantId: z.uuid(),
  /** 32 bytes, base64. Travels only inside a reply sealed to the caller's reply key. */
  key: z.base64(),
});

function ping<const S extends string>(service: S) {
  return operation({
    name: `${service}.health.ping`,
    request: anyRequestSchema,
    response: pingResultSchema,
    access: 'public',
    audit: { action: 'read', resourceType: 'health' },
    summary: `Liveness of ${service} over the bus`,
    internal: 'the gateway’s GET /health asks every service',
  });
}

function transitKey<const S extends string>(service: S) {
  return operation({
    name: `${service}.transit-key.get`,
    request: emptyRequestSchema,
    response: transitKeyGrantSchema,
    // The grant itself refuses callers signed in to no tenant (see RpcExecutor.transitKeyGrant).
    access: 'authenticated',
    audit: { action: 'read', resourceType: 'transit_key' },
    summary: `The caller's tenant's transit key for ${service}, which seals the tenant's requests to it`,
    internal: 'the gateway’s bus client asks for it before a tenant’s first request to the service',
  });
}

/** What every service answers for the platform itself: liveness pings and per-tenant transit keys. */
export const PlatformOps = {
  identityPing: ping('identity'),
  tenantDataPing: ping('tenant-data'),
  compliancePing: ping('compliance'),
  billingPing: ping('billing'),
  notificationsPing: ping('notifications'),
  identityTransitKey: transitKey('identity'),
  tenantDataTransitKey: transitKey('tenant-data'),
  notificationsTransitKey: transitKey('notifications'),
  complianceTransitKey: transitKey('compliance'),
  billingTransitKey: transitKey('billing'),
} as const;
