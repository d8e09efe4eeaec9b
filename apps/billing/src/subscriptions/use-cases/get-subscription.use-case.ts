import { PlatformAccess } from '@lekha/access';
import { SubscriptionOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Subscriptions } from '../subscriptions.js';
import { tenantOf } from '../tenant-of.js';

type Op = typeof SubscriptionOps.get;

/** The tenant's subscription (the default plan when it has none). */
@Handles(SubscriptionOps.get)
export class GetSubscriptionUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly subscriptions: Subscriptions,
  ) {}

  async execute(scope: OperationScope<Op>) {
    const tenantId = await tenantOf(this.platform, scope);
    return this.platform.run(scope, async (data) => {
      const row = await this.subscriptions.find(data.tx, tenantId);
      await data.record({ resource: { id: tenantId } });
      return this.subscriptions.view(row);
    });
  }
}
