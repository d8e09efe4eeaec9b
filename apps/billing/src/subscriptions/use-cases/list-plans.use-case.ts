import { PlatformAccess } from '@lekha/access';
import { SubscriptionOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Subscriptions } from '../subscriptions.js';

type Op = typeof SubscriptionOps.plans;

/** The plans on offer, for any signed-in caller. */
@Handles(SubscriptionOps.plans)
export class ListPlansUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly subscriptions: Subscriptions,
  ) {}

  async execute(scope: OperationScope<Op>) {
    await this.platform.record(scope, { resource: { id: null } });
    const catalog = this.subscriptions.catalog;
    return { items: catalog.plans.map((p) => catalog.view(p)) };
  }
}
