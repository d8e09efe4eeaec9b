import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig, runMain } from '@lekha/runtime';
import { AppModule, SERVICE } from './app.module.js';
import { complianceConfigSchema } from './config/compliance.config.js';

runMain(SERVICE, async () => {
  const config = loadConfig(complianceConfigSchema);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  await bootstrapService({
    service: SERVICE,
    module: AppModule.register(config, logger),
    port: config.COMPLIANCE_PORT,
    brokers: config.KAFKA_BROKERS,
    logger,
    kafkaServer: true,
  });
});
