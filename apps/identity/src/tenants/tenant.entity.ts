import { defineEntity, p, type InferEntity } from '@lekha/persistence';

/** A business on the platform. Its name and GSTIN are business data, not personal data. */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    stateCode: p.string(),
    gstin: p.string().nullable(),
    status: p.string().default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type TenantRow = InferEntity<typeof Tenant>;
