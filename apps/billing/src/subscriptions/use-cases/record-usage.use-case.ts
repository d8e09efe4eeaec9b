import { PlatformAccess } from '@lekha/access';
import { SubscriptionOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { UsageMeter } from '../usage.js';

type Op = typeof SubscriptionOps.recordUsage;

/** Meters one usage event; the same event ID again is answered `counted: false` and adds nothing. */
@Handles(SubscriptionOps.recordUsage)
export class RecordUsageUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly meter: UsageMeter,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.platform.run(scope, async (data) => {
      const counted = await this.meter.record(data.tx, { ...q, occurredAt: new Date(q.occurredAt) });
      await data.record({ resource: { id: q.eventId } });
      return { counted };
    });
  }
}
