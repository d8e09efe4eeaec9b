import { Injectable } from '@nestjs/common';
import type { PlatformEvent } from '@lekha/contracts';
import { AuditOutbox } from '@lekha/audit';
import type { PlatformEventObserver } from '@lekha/erasure';
import { Database } from '@lekha/persistence';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { BillingClock } from './billing-clock.js';
import { Subscriptions } from './subscriptions.js';

/**
 * Observes identity's `tenant.signed-up` on `platform.events.v1`: the tenant's sign-up trial starts from
 * its sign-up time, once (a redelivered event, or a tenant that subscribed before the event arrived,
 * changes nothing), with its entitlement snapshot in the same transaction.
 */
@Injectable()
export class SignupTrials implements PlatformEventObserver {
  constructor(
    private readonly db: Database,
    private readonly subscriptions: Subscriptions,
    private readonly clock: BillingClock,
    private readonly audit: AuditOutbox,
  ) {}

  async observe(event: PlatformEvent): Promise<void> {
    if (event.type !== 'tenant.signed-up') return;
    const job = anonymousContext({ actorType: 'scheduled_job', actorId: 'signup-trial', purpose: 'billing' });
    await runWithContext(job, () =>
      this.db.em().transactional(async (tx) => {
        const started = await this.subscriptions.startSignupTrial(
          tx,
          event.tenantId,
          new Date(event.signedUpAt),
          this.clock.now(),
        );
        if (started)
          await this.audit.record(tx, {
            action: 'create',
            resource: { type: 'subscription', id: event.tenantId },
            tenantId: event.tenantId,
            reason: 'signup_trial',
          });
      }),
    );
  }
}
