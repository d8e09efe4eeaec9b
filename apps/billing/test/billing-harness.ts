import { UseCaseHarness } from '@lekha/use-case-testing';
import { AppModule, SERVICE } from '../src/app.module.js';
import { billingConfigSchema } from '../src/config/billing.config.js';

/** Billing's use cases in-process on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL), no broker. */
export function startBilling(env: Record<string, string> = {}): Promise<UseCaseHarness> {
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'billing',
    configSchema: billingConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
    env,
  });
}
