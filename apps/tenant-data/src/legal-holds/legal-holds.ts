import { Injectable } from '@nestjs/common';
import { RetentionOps } from '@lekha/contracts';
import { InjectConfig, ServiceBus } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { TenantDataConfig } from '../config/tenant-data.config.js';

/** Where tenant-data learns whether a legal hold stands on a customer before it erases them: compliance. */
export abstract class LegalHolds {
  /** The IDs of the holds standing on the customer (theirs or the tenant's); throws when it cannot tell. */
  abstract standing(tenantId: string, customerId: string): Promise<string[]>;
}

/**
 * Asks compliance over the bus (`compliance.legal-holds.standing`) as this service, at erasure time: the
 * holds live in one place and a hold placed a moment ago counts. Fails closed: when compliance cannot be
 * reached the erasure is refused (503), never done without the check. Connects on first use.
 */
@Injectable()
export class BusLegalHolds extends LegalHolds {
  constructor(
    @InjectConfig() private readonly config: TenantDataConfig,
    private readonly serviceBus: ServiceBus,
  ) {
    super();
    if (config.LEGAL_HOLD_CHECK === 'off' && config.LEKHA_ENV === 'production')
      throw new Error('LEGAL_HOLD_CHECK=off is for use-case tests only; production always checks legal holds');
  }

  async standing(tenantId: string, customerId: string): Promise<string[]> {
    if (this.config.LEGAL_HOLD_CHECK === 'off') return [];
    const bus = await this.serviceBus.connected('compliance cannot be reached to check legal holds; retry shortly');
    // As this service, with no tenant in the context (a service caller has none): the request names it.
    const reply = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'tenant-data' }), () =>
      bus.invoke(RetentionOps.holdsStanding, { tenantId, customerId }),
    );
    return reply.holdIds;
  }
}
