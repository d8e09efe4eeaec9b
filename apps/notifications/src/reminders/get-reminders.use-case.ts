import { NotificationOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { ReminderRulesRepository, rulesView } from './reminder-rules.repository.js';

type Op = typeof NotificationOps.getReminders;

@Handles(NotificationOps.getReminders)
export class GetRemindersUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly rules: ReminderRulesRepository,
  ) {}

  execute(scope: OperationScope<Op>) {
    return this.access.run(scope, async (data) => {
      await data.record({ resource: { id: data.tenantId } });
      return rulesView(await this.rules.get(data));
    });
  }
}
