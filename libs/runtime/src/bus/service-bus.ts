import { DomainError } from '@lekha/contracts';
import { BusClient, type BusClientOptions } from './bus-client.js';

/**
 * The service's one bus client for calling other services, connected on first use (use-case tests
 * never do), so a service that never calls out never joins the callers' group. A failed connection is
 * a 503 in the caller's words and is tried afresh on the next call. Every service gets it from
 * `CoreModule`; nothing else constructs a `BusClient` for service-to-service calls.
 */
export class ServiceBus {
  private connecting: Promise<BusClient> | null = null;
  private client: BusClient | null = null;

  constructor(
    private readonly opts: BusClientOptions,
    private readonly create: (opts: BusClientOptions) => BusClient = (o) => new BusClient(o),
  ) {}

  /** The connected client; when it cannot connect, SERVICE_UNAVAILABLE with `unreachable` as the message. */
  connected(unreachable: string): Promise<BusClient> {
    this.connecting ??= (async () => {
      const client = this.create(this.opts);
      try {
        await client.connect();
      } catch (err) {
        this.connecting = null;
        await client.close().catch(() => undefined);
        throw new DomainError('SERVICE_UNAVAILABLE', unreachable, { cause: (err as Error).message });
      }
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    await client?.close();
  }

  /** Nest calls this once the components that call out have stopped. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
