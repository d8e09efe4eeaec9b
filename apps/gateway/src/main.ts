import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Readiness, bootstrapService, createLogger, loadConfig, runMain } from '@lekha/runtime';
import { AppModule, SERVICE } from './app.module.js';
import { gatewayConfigSchema } from './config/gateway.config.js';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter.js';
import { validationPipe } from './common/validation.js';
import { setupOpenApi } from './openapi/openapi.js';
import { BusClient } from './bus/bus-client.js';
import { hardenHttp } from './common/http-hardening.js';
import { WEBHOOKS_PREFIX, bodyLimitBytes, rawBodyMiddleware } from './webhooks/raw-body.js';

runMain(SERVICE, async () => {
  const config = loadConfig(gatewayConfigSchema);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = await bootstrapService({
    service: SERVICE,
    module: AppModule.register(config, logger),
    port: config.GATEWAY_PORT,
    host: config.GATEWAY_HOST,
    brokers: config.KAFKA_BROKERS,
    logger,
    kafkaServer: false,
    configure: (app) => {
      hardenHttp(app as NestExpressApplication, config);
      // Before the body parsers: the providers' webhooks keep their exact bytes for the signatures.
      app.use(WEBHOOKS_PREFIX, rawBodyMiddleware(bodyLimitBytes(config.BODY_LIMIT)));
      (app as NestExpressApplication).useBodyParser('json', { limit: config.BODY_LIMIT });
      app.useGlobalFilters(new ErrorEnvelopeFilter(logger));
      app.useGlobalPipes(validationPipe());
      setupOpenApi(app);
    },
  });
  const bus = app.get(BusClient);
  app.get(Readiness).register('bus', async () => {
    if (!bus.isConnected) throw new Error('bus client not connected yet');
  });
  // The partition of rpc.replies.v1 this instance reads: no two instances share one.
  app.get(Readiness).describe('bus', () => ({ replyPartition: bus.partition }));
  bus.connectInBackground();
});
