import { UseCaseHarness } from '@lekha/use-case-testing';
import { AppModule, SERVICE } from '../src/app.module.js';
import { tenantDataConfigSchema } from '../src/config/tenant-data.config.js';

/**
 * tenant-data's use cases in-process on a real database, no broker (so no legal-hold check unless a suite
 * turns it on and fakes compliance's answer at the `LegalHolds` port).
 */
export function startTenantData(env: Record<string, string> = {}): Promise<UseCaseHarness> {
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'tenant_data',
    configSchema: tenantDataConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
    env: { LEGAL_HOLD_CHECK: 'off', ...env },
  });
}
