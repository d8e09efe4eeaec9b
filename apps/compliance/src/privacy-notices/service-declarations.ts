import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, RightsDeclarationOps, type RightsService, type ServiceDeclarations } from '@lekha/contracts';
import { AppLogger, BusClient, BusSeal } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { MessengerOptions } from '../notices/notifications-messenger.js';

/**
 * Each service's personal-data declarations, as the service itself answers them: the data map is
 * assembled from these, never from a list kept by hand. Use-case tests put a fake in its place.
 */
export abstract class ServiceDeclarationsSource {
  abstract of(service: RightsService): Promise<ServiceDeclarations>;
}

/** Asks every service over the bus (`<service>.rights.declarations`, served by `RightsModule.forService`). */
@Injectable()
export class BusServiceDeclarations extends ServiceDeclarationsSource implements OnApplicationShutdown {
  private client: BusClient | null = null;
  private connecting: Promise<BusClient> | null = null;

  constructor(
    private readonly options: MessengerOptions,
    private readonly logger: AppLogger,
    @Inject(BusSeal) private readonly busSeal: BusSeal,
  ) {
    super();
  }

  async of(service: RightsService): Promise<ServiceDeclarations> {
    const bus = await this.bus();
    try {
      return await runWithContext(anonymousContext({ actorType: 'service', actorId: 'compliance' }), () =>
        bus.invoke(RightsDeclarationOps[service], {}, 10_000),
      );
    } catch (err) {
      throw new DomainError('SERVICE_UNAVAILABLE', `${service} did not answer its declarations; retry shortly`, {
        service,
        cause: (err as Error).message,
      });
    }
  }

  private bus(): Promise<BusClient> {
    this.connecting ??= (async () => {
      const client = new BusClient({
        clientId: 'compliance-data-map',
        brokers: this.options.brokers,
        logger: this.logger.pino,
        seal: this.busSeal,
        timeoutMs: this.options.rpcTimeoutMs,
        replyKeyRotateMs: 600_000,
        transitKeyTtlMs: 60_000,
        checkReplies: true,
      });
      try {
        await client.connect();
      } catch (err) {
        this.connecting = null;
        await client.close().catch(() => undefined);
        throw new DomainError('SERVICE_UNAVAILABLE', 'the bus cannot be reached; retry shortly', {
          cause: (err as Error).message,
        });
      }
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
