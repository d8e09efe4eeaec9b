import { NotificationOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { SettingsRepository, settingsView } from './settings.repository.js';

type Op = typeof NotificationOps.getSettings;

@Handles(NotificationOps.getSettings)
export class GetSettingsUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly settings: SettingsRepository,
  ) {}

  execute(scope: OperationScope<Op>) {
    return this.access.run(scope, async (data) => {
      const s = await this.settings.get(data);
      await data.record({ resource: { id: data.tenantId } });
      return settingsView(s);
    });
  }
}
