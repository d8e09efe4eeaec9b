import {
  FeatureError,
  NotificationError,
  NotificationOps,
  type PutReminderRules,
  type ReminderRulesView,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TemplateRepository } from '../templates/template.repository.js';
import { ReminderRulesRepository, rulesView } from './reminder-rules.repository.js';

type Op = typeof NotificationOps.putReminders;

/**
 * Replaces the tenant's reminder rules. Each rule's template must be registered (422 otherwise, nothing
 * saved). Reminders already queued keep their times until their record next changes.
 */
@Handles(NotificationOps.putReminders)
export class PutRemindersUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly rules: ReminderRulesRepository,
    private readonly templates: TemplateRepository,
  ) {}

  async execute(scope: OperationScope<Op>, input: PutReminderRules) {
    type Outcome = { ok: ReminderRulesView } | { missing: { index: number; template: string } };
    const result = await this.access.run<Outcome>(scope, async (data) => {
      for (const [i, rule] of input.rules.entries())
        if (!(await this.templates.byKey(data, rule.template)).length) {
          await data.record({ outcome: 'denied', reason: 'template_not_found' });
          return { missing: { index: i, template: rule.template } };
        }
      await this.rules.put(data, input.rules);
      await data.record({ resource: { id: data.tenantId } });
      return { ok: rulesView(await this.rules.get(data)) };
    });
    if ('missing' in result)
      throw new FeatureError(
        NotificationError.TemplateNotFound,
        `no template "${result.missing.template}" is registered`,
        [{ path: `rules.${result.missing.index}.template`, message: 'not registered' }],
      );
    return result.ok;
  }
}
