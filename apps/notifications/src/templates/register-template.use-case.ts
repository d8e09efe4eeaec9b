import { FeatureError, NotificationError, NotificationOps, type RegisterTemplateRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TemplateRepository, templateView } from './template.repository.js';

type Op = typeof NotificationOps.registerTemplate;

/** Registers a template once per key and channel (a second registration is a 409). */
@Handles(NotificationOps.registerTemplate)
export class RegisterTemplateUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly templates: TemplateRepository,
  ) {}

  async execute(scope: OperationScope<Op>, input: RegisterTemplateRequest) {
    const created = await this.access.run(scope, async (data) => {
      const row = await this.templates.insert(data, input);
      if (!row) {
        await data.record({ outcome: 'denied', reason: 'template_exists' });
        return null;
      }
      await data.record({ resource: { id: row.id } });
      return templateView(row);
    });
    if (!created)
      throw new FeatureError(
        NotificationError.TemplateExists,
        `a ${input.channel} template with key "${input.key}" is registered already`,
      );
    return created;
  }
}
