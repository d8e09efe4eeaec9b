import type { PlatformAccess } from '@lekha/access';
import { AccessError, FeatureError } from '@lekha/contracts';
import type { OperationScope } from '@lekha/runtime';

/** The caller's tenant; a caller signed in to none is refused (audited). */
export async function tenantOf(platform: PlatformAccess, scope: OperationScope): Promise<string> {
  const tenantId = scope.ctx.tenantId;
  if (tenantId) return tenantId;
  return platform.refuse(
    scope,
    { reason: 'forbidden' },
    new FeatureError(AccessError.TenantRequired, 'only a caller signed in to a tenant may do this'),
  );
}
