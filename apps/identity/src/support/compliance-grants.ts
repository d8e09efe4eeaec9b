import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, SupportOps, type OpResponse } from '@lekha/contracts';
import { AppLogger, BusClient, BusSeal, InjectConfig } from '@lekha/runtime';
import type { IdentityConfig } from '../config/identity.config.js';

export type SupportGrantForToken = OpResponse<typeof SupportOps.grantForToken>;

/** Where identity learns of a support grant before it issues the grant's token: compliance, which owns grants. */
export abstract class ComplianceGrants {
  /** The active grant, asked as the current caller (compliance checks they requested it); refusals are thrown. */
  abstract grantForToken(grantId: string): Promise<SupportGrantForToken>;
}

/**
 * Asks compliance over the bus (`compliance.support-grants.for-token`) with the caller's own token, so
 * compliance judges the support engineer itself. Connects on first use.
 */
@Injectable()
export class BusComplianceGrants extends ComplianceGrants implements OnApplicationShutdown {
  private connecting: Promise<BusClient> | null = null;
  private client: BusClient | null = null;

  constructor(
    @InjectConfig() private readonly config: IdentityConfig,
    private readonly logger: AppLogger,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {
    super();
  }

  private bus(): Promise<BusClient> {
    this.connecting ??= (async () => {
      const client = new BusClient({
        clientId: 'identity-support',
        brokers: this.config.KAFKA_BROKERS,
        logger: this.logger.pino,
        seal: this.seal,
        timeoutMs: 10_000,
        replyKeyRotateMs: 600_000,
        transitKeyTtlMs: 60_000,
        checkReplies: this.config.LEKHA_ENV !== 'production',
      });
      try {
        await client.connect();
      } catch (err) {
        this.connecting = null;
        await client.close().catch(() => undefined);
        throw new DomainError('SERVICE_UNAVAILABLE', 'compliance cannot be reached; retry shortly', {
          cause: (err as Error).message,
        });
      }
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  async grantForToken(grantId: string): Promise<SupportGrantForToken> {
    return (await this.bus()).invoke(SupportOps.grantForToken, { id: grantId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
