import { UseCaseHarness } from '@lekha/use-case-testing';
import { AppModule, SERVICE } from '../src/app.module.js';
import { tenantDataConfigSchema } from '../src/config/tenant-data.config.js';

/** tenant-data's use cases in-process on a real database, no broker. */
export function startTenantData(): Promise<UseCaseHarness> {
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'tenant_data',
    configSchema: tenantDataConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
  });
}
