import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, TenantOps } from '@lekha/contracts';
import { AppLogger, BusClient, BusSeal, InjectConfig } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { ComplianceConfig } from '../config/compliance.config.js';

/** Where the retention schedule learns when tenants were last active: identity (sign-ins, sessions). */
export abstract class TenantActivity {
  /** Each tenant's last activity (null: identity does not know the tenant); throws when it cannot tell. */
  abstract lastActivity(tenantIds: string[]): Promise<Map<string, Date | null>>;
}

/** Asks identity over the bus (`identity.tenants.last-activity`) as this service. Connects on first use. */
@Injectable()
export class BusTenantActivity extends TenantActivity implements OnApplicationShutdown {
  private connecting: Promise<BusClient> | null = null;
  private client: BusClient | null = null;

  constructor(
    @InjectConfig() private readonly config: ComplianceConfig,
    private readonly logger: AppLogger,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {
    super();
  }

  async lastActivity(tenantIds: string[]): Promise<Map<string, Date | null>> {
    const found = new Map<string, Date | null>();
    const bus = await this.bus();
    for (let i = 0; i < tenantIds.length; i += 500) {
      const reply = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'compliance' }), () =>
        bus.invoke(TenantOps.lastActivity, { tenantIds: tenantIds.slice(i, i + 500) }),
      );
      for (const t of reply.items) found.set(t.tenantId, t.lastActivityAt ? new Date(t.lastActivityAt) : null);
    }
    return found;
  }

  private bus(): Promise<BusClient> {
    this.connecting ??= (async () => {
      const client = new BusClient({
        clientId: 'compliance-retention',
        brokers: this.config.KAFKA_BROKERS,
        logger: this.logger.pino,
        seal: this.seal,
        timeoutMs: 15_000,
        replyKeyRotateMs: 600_000,
        transitKeyTtlMs: 60_000,
        checkReplies: this.config.LEKHA_ENV !== 'production',
      });
      try {
        await client.connect();
      } catch (err) {
        this.connecting = null;
        await client.close().catch(() => undefined);
        throw new DomainError('SERVICE_UNAVAILABLE', 'identity cannot be reached; retry shortly', {
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
