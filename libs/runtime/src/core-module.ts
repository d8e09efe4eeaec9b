import {
  Global,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Injectable,
  Inject,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { AuditOutbox, AuditSigner, AuditRelay } from '@lekha/audit';
import { Database, pgliteDirFor } from '@lekha/persistence';
import { AppLogger } from './app-logger.js';
import { HealthModule, Readiness } from './health.js';
import { KafkaPublisher, kafkaConfig } from '@lekha/kafka';
import { RpcExecutor } from './rpc-executor.js';
import { ServiceBus } from './bus/service-bus.js';
import { BusSeal, loadBusKey } from './bus-seal.js';
import { JwksTopicReader } from './jwks-topic.js';
import { TokenVerifier } from './token-verifier.js';
import { ConfigError, developmentFeaturesWarning, type baseConfigSchema } from './config.js';
import type { z } from 'zod';

export const KAFKA = Symbol('KAFKA');

/** The service's parsed configuration (its own schema's type); every provider takes it with `@InjectConfig()`. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const InjectConfig = (): PropertyDecorator & ParameterDecorator => Inject(SERVICE_CONFIG);
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export interface CoreModuleOptions {
  service: string;
  logger: Logger;
  config: BaseConfig;
  /** How long a call to another service waits for its reply (default 10 s). */
  rpcTimeoutMs?: number;
}

@Injectable()
class JwksReaderLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(JwksTopicReader) private readonly reader: JwksTopicReader,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}
  onApplicationBootstrap() {
    this.readiness.register('jwks', async () => this.reader.ready());
    this.reader.start();
  }
  async onModuleDestroy() {
    await this.reader.stop();
  }
}

/**
 * Logger, health, the RPC executor, a kafkajs client and its one publisher, and the bus client for
 * calling other services (connected on first use): what every service has.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(opts: CoreModuleOptions): DynamicModule {
    const warning = developmentFeaturesWarning(opts.config.LEKHA_ENV);
    if (warning) opts.logger.warn({ env: opts.config.LEKHA_ENV }, warning);
    return {
      module: CoreModule,
      imports: [HealthModule],
      providers: [
        { provide: AppLogger, useValue: new AppLogger(opts.logger) },
        { provide: SERVICE_CONFIG, useValue: opts.config },
        {
          provide: KAFKA,
          useFactory: () =>
            new Kafka(kafkaConfig(opts.service, opts.config.KAFKA_BROKERS, opts.logger, opts.config.KAFKA_RETRIES)),
        },
        { provide: KafkaPublisher, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaPublisher(kafka) },
        { provide: AuditSigner, useFactory: () => loadSigner(opts.service, opts.config.AUDIT_SIGNING_KEY_FILE) },
        { provide: BusSeal, useFactory: () => new BusSeal(loadBusKey(opts.config)) },
        {
          provide: JwksTopicReader,
          inject: [KAFKA, BusSeal],
          useFactory: (kafka: Kafka, seal: BusSeal) => new JwksTopicReader(kafka, seal, opts.service, opts.logger),
        },
        {
          provide: TokenVerifier,
          inject: [JwksTopicReader],
          useFactory: (reader: JwksTopicReader) =>
            new TokenVerifier(reader, { issuer: opts.config.JWT_ISSUER, audience: opts.config.JWT_AUDIENCE }),
        },
        {
          provide: ServiceBus,
          inject: [BusSeal],
          useFactory: (seal: BusSeal) =>
            new ServiceBus({
              clientId: opts.service,
              brokers: opts.config.KAFKA_BROKERS,
              logger: opts.logger,
              seal,
              timeoutMs: opts.rpcTimeoutMs ?? 10_000,
              replyKeyRotateMs: 600_000,
              transitKeyTtlMs: 60_000,
              checkReplies: opts.config.LEKHA_ENV !== 'production',
            }),
        },
        JwksReaderLifecycle,
        RpcExecutor,
      ],
      exports: [
        AppLogger,
        SERVICE_CONFIG,
        KAFKA,
        KafkaPublisher,
        AuditSigner,
        BusSeal,
        JwksTopicReader,
        TokenVerifier,
        RpcExecutor,
        ServiceBus,
        HealthModule,
      ],
    };
  }
}

export interface DataModuleOptions {
  service: string;
  schema: string;
  config: BaseConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas are heterogeneous
  entities: EntitySchema<any>[];
  migrations: MigrationObject[];
}

@Injectable()
class RelayLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly relay: AuditRelay,
    private readonly db: Database,
  ) {}
  onApplicationBootstrap() {
    this.relay.start();
  }
  async onModuleDestroy() {
    await this.relay.stop();
    await this.db.close();
  }
}

/** The service's own database (migrated at start), its audit outbox and the outbox relay. */
@Global()
@Module({})
export class DataModule {
  static forRoot(opts: DataModuleOptions): DynamicModule {
    return {
      module: DataModule,
      providers: [
        {
          provide: Database,
          inject: [Readiness, AppLogger],
          useFactory: async (readiness: Readiness, logger: AppLogger) => {
            const db = await Database.open({
              schema: opts.schema,
              url: opts.config.DATABASE_URL,
              pgliteDir: pgliteDirFor(opts.config.LEKHA_DATA_DIR, opts.service),
              entities: opts.entities,
              migrations: opts.migrations,
              log: (message) => logger.pino.info({ context: 'mikro-orm' }, message.replace(/\u001b\[[0-9;]*m/g, '')),
            });
            readiness.register('database', () => db.ping());
            return db;
          },
        },
        { provide: AuditOutbox, useValue: new AuditOutbox(opts.service, opts.schema) },
        {
          provide: AuditRelay,
          inject: [Database, KafkaPublisher, AppLogger, AuditOutbox, AuditSigner],
          useFactory: (
            db: Database,
            publisher: KafkaPublisher,
            logger: AppLogger,
            outbox: AuditOutbox,
            signer: AuditSigner,
          ) => new AuditRelay({ db, schema: opts.schema, publisher, logger: logger.pino, outbox, signer }),
        },
        RelayLifecycle,
      ],
      exports: [Database, AuditOutbox, AuditRelay],
    };
  }
}

export { Inject };

function loadSigner(service: string, path: string): AuditSigner {
  try {
    return AuditSigner.fromPemFile(service, path);
  } catch (err) {
    throw new ConfigError(
      'AUDIT_SIGNING_KEY_FILE',
      `cannot be read as an Ed25519 private key: ${(err as Error).message}`,
    );
  }
}
