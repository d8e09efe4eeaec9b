import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig, runMain } from '@lekha/runtime';
import { AppModule, SERVICE } from './app.module.js';
import { notificationsConfigSchema } from './config/notifications.config.js';

runMain(SERVICE, async () => {
  const config = loadConfig(notificationsConfigSchema);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  await bootstrapService({
    service: SERVICE,
    module: AppModule.register(config, logger),
    port: config.NOTIFICATIONS_PORT,
    brokers: config.KAFKA_BROKERS,
    logger,
    kafkaServer: true,
  });
});
