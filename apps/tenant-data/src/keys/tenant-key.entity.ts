import { defineEntity, p } from '@lekha/persistence';

/** A tenant's data key, wrapped by the master key. Deleting the row crypto-shreds the tenant. */
export const TenantKey = defineEntity({
  name: 'TenantKey',
  tableName: 'tenant_keys',
  properties: {
    tenantId: p.uuid().primary(),
    wrapped: p.blob(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
