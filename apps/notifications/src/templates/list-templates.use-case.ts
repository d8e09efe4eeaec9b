import { NotificationOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TemplateRepository, templateView } from './template.repository.js';

type Op = typeof NotificationOps.listTemplates;

@Handles(NotificationOps.listTemplates)
export class ListTemplatesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly templates: TemplateRepository,
  ) {}

  execute(scope: OperationScope<Op>) {
    return this.access.run(scope, async (data) => {
      const rows = await this.templates.list(data);
      await data.record({});
      return { items: rows.map(templateView) };
    });
  }
}
