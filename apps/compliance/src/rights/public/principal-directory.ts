import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CustomerOps, DomainError, PublicRightsOps, type CustomerView, type RightsCorrections } from '@lekha/contracts';
import { AppLogger, BusClient, BusSeal, InjectConfig } from '@lekha/runtime';
import { anonymousContext, currentContext, runWithContext } from '@lekha/tenancy';
import type { ComplianceConfig } from '../../config/compliance.config.js';

/** Where the public route learns whether a tenant is active (identity) and who holds an address (tenant-data). */
export abstract class PrincipalDirectory {
  /** True when the tenant exists and is not erased. */
  abstract tenantActive(tenantId: string): Promise<boolean>;
  /** The customer holding exactly this phone or email in the tenant, or null. */
  abstract customerOf(tenantId: string, address: { phone?: string; email?: string }): Promise<string | null>;
  /**
   * Applies a correction through tenant-data's normal update, as the caller (their token: tenant-data checks
   * `customers:write`, validates, keeps the field history and audits it); the profile before and after.
   */
  abstract correct(
    customerId: string,
    changes: RightsCorrections,
  ): Promise<{ before: CustomerView; after: CustomerView }>;
}

const TENANT_CACHE_MS = 60_000;

/** Asks over the bus as this service (internal operations only a service may call). Connects on first use. */
@Injectable()
export class BusPrincipalDirectory extends PrincipalDirectory implements OnApplicationShutdown {
  private connecting: Promise<BusClient> | null = null;
  private client: BusClient | null = null;
  private readonly tenants = new Map<string, { active: boolean; until: number }>();

  constructor(
    @InjectConfig() private readonly config: ComplianceConfig,
    private readonly logger: AppLogger,
    @Inject(BusSeal) private readonly seal: BusSeal,
  ) {
    super();
  }

  async tenantActive(tenantId: string): Promise<boolean> {
    const cached = this.tenants.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.active;
    const bus = await this.bus();
    const { active } = await this.asService(() => bus.invoke(PublicRightsOps.tenantStatus, { tenantId }));
    if (this.tenants.size > 10_000) this.tenants.clear();
    this.tenants.set(tenantId, { active, until: Date.now() + TENANT_CACHE_MS });
    return active;
  }

  async customerOf(tenantId: string, address: { phone?: string; email?: string }): Promise<string | null> {
    const bus = await this.bus();
    const found = await this.asService(() => bus.invoke(PublicRightsOps.findPrincipal, { tenantId, ...address }));
    return found.customerId;
  }

  async correct(customerId: string, changes: RightsCorrections) {
    const bus = await this.bus();
    const before = await bus.invoke(CustomerOps.get, { id: customerId });
    const after = await bus.invoke(CustomerOps.update, { id: customerId, patch: changes });
    return { before, after };
  }

  private asService<T>(fn: () => Promise<T>): Promise<T> {
    const ctx = currentContext();
    return runWithContext(
      anonymousContext({
        actorType: 'service',
        actorId: 'compliance',
        ...(ctx ? { requestId: ctx.requestId, traceId: ctx.traceId } : {}),
      }),
      fn,
    );
  }

  private bus(): Promise<BusClient> {
    this.connecting ??= (async () => {
      const client = new BusClient({
        clientId: 'compliance-public-rights',
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
        throw new DomainError('SERVICE_UNAVAILABLE', 'the platform cannot verify requests now; retry shortly', {
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
