import { NotificationOps, type NotificationSettingsRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { SettingsRepository, settingsView } from './settings.repository.js';

type Op = typeof NotificationOps.putSettings;

/** Replaces the settings; credentials are written encrypted and never answered (only which are set). */
@Handles(NotificationOps.putSettings)
export class PutSettingsUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly settings: SettingsRepository,
  ) {}

  execute(scope: OperationScope<Op>, input: NotificationSettingsRequest) {
    return this.access.run(scope, async (data) => {
      const saved = await this.settings.put(data, input);
      await data.record({
        resource: { id: data.tenantId },
        fields: Object.keys(input.credentials ?? {}).map((p) => ({ name: `credentials.${p}`, category: 'secret' })),
      });
      return settingsView(saved);
    });
  }
}
