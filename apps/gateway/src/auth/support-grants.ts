import { Injectable } from '@nestjs/common';
import { DirectAuditPublisher } from '@lekha/audit';
import { FeatureError, SupportError, SupportOps } from '@lekha/contracts';
import { anonymousContext, currentContext, runWithContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';

/**
 * Every request of a support grant's token is checked against the grant in compliance, without a cache:
 * a revoked grant is refused on the very next request, on every gateway, and an expired one as soon as
 * compliance's clock passes its expiry (the token itself expires no later). Support traffic is small, so
 * one bus round trip per request costs little. See docs/support-access.md.
 */
@Injectable()
export class SupportGrantCheck {
  constructor(
    private readonly bus: BusClient,
    private readonly audit: DirectAuditPublisher,
  ) {}

  /** Throws SUPPORT_GRANT_ENDED (403, audited as denied with the grant's ID) unless the grant is active now. */
  async require(grantId: string, tenantId: string, actorId: string): Promise<void> {
    const status = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), () =>
      this.bus.invoke(SupportOps.grantStatus, { id: grantId }, 5000),
    );
    if (status.active && status.tenantId === tenantId) return;
    const ctx = currentContext();
    const reason = `grant_${status.status ?? 'unknown'}`;
    const denied = () =>
      this.audit.record({
        action: 'support_access',
        resource: { type: 'support_grant', id: grantId },
        outcome: 'denied',
        reason,
        tenantId,
        actorId,
        actorType: 'support',
      });
    if (ctx) await runWithContext({ ...ctx, grantId, roles: ['platform:support'] }, denied);
    else await denied();
    throw new FeatureError(
      SupportError.GrantEnded,
      status.status === 'revoked' ? 'the tenant revoked this support grant' : 'this support grant is not active',
    );
  }
}
