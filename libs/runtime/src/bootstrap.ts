import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type, DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';
import { Readiness } from './health.js';
import { JsonLogger } from './logger.js';
import { KafkaProbe, stopAllFollowers } from './kafka.js';
import { BusServer } from './bus/bus-server.js';

export interface ServiceBootstrapOptions {
  service: string;
  module: Type | DynamicModule;
  port: number;
  host?: string;
  brokers: string[];
  logger: Logger;
  /** Serve the service's operations (and its event consumers) through the bus server. */
  kafkaServer: boolean;
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts HTTP (health first) then the bus server. A broker that is down at start does not crash
 * the service: it keeps retrying and reports not-ready until its consumer holds partitions.
 */
export async function bootstrapService(opts: ServiceBootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create(opts.module, { logger: new JsonLogger(opts.logger), abortOnError: false });
  app.enableShutdownHooks();
  await opts.configure?.(app);
  const probe = new KafkaProbe(opts.service, opts.brokers, opts.logger);
  let kafkaServing = !opts.kafkaServer;
  const server = opts.kafkaServer
    ? new BusServer({ service: opts.service, brokers: opts.brokers, logger: opts.logger })
    : null;
  app.get(Readiness).register('kafka', async () => {
    await probe.check();
    if (!kafkaServing) throw new Error('kafka consumer not started yet');
    if (server && server.stats.partitions === 0) throw new Error('the bus consumer holds no partitions');
  });
  if (server) {
    app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    app.get(Readiness).describe('bus', () => server.stats);
  }
  await app.listen(opts.port, opts.host ?? '127.0.0.1');
  opts.logger.info({ port: opts.port }, `${opts.service} listening`);
  app.get(Readiness);
  if (opts.kafkaServer) {
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await probe.coordinatorReady(opts.service);
          await app.startAllMicroservices();
          kafkaServing = true;
          opts.logger.info('kafka consumer started');
          return;
        } catch (err) {
          opts.logger.warn({ attempt, error: (err as Error).message }, 'kafka not reachable yet; retrying');
          await sleep(Math.min(200 * attempt, 5000));
        }
      }
    })();
  }
  const shutdown = async (signal: string) => {
    opts.logger.info({ signal }, 'shutting down');
    // A handler that never returns must not keep the process alive past its grace period.
    setTimeout(() => process.exit(1), 10_000).unref();
    // Every follower leaves its group at once; the modules' own stops then find nothing left to wait for.
    await Promise.all([probe.close(), stopAllFollowers().catch(() => undefined)]);
    await app.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  // Started by the launcher: leave with it, even when it dies without stopping us.
  if (process.env.LEKHA_EXIT_WITH_PARENT === '1') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void shutdown('parent-exit');
    }, 1000).unref();
  }
  return app;
}

/** Runs a service's main; a configuration error stops it with one line naming the variable. */
export function runMain(service: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: configuration error: ${err.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${service}: failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

export { sleep };
