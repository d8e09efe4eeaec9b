import { baseConfigSchema, port } from '@lekha/runtime';

export const tenantDataConfigSchema = baseConfigSchema.extend({
  TENANT_DATA_PORT: port(3102),
});
export type TenantDataConfig = ReturnType<typeof tenantDataConfigSchema.parse>;
