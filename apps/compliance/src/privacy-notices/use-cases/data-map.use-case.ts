import { PrivacyNoticeOps } from '@lekha/contracts';
import { PlatformAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { SERVICES_ON_MAP, dataMapHtml, mergeDataMap } from '../data-map.js';
import { ServiceDeclarationsSource } from '../service-declarations.js';

/**
 * The platform's data map: every service that answers rights requests is asked for its personal-data
 * declarations (the same ones that drive its rights answers), and the answers are merged. A service
 * that does not answer fails the map (503) rather than leaving a silent gap. Audited as a read.
 */
@Handles(PrivacyNoticeOps.dataMap)
export class DataMapUseCase implements UseCase<typeof PrivacyNoticeOps.dataMap> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly declarations: ServiceDeclarationsSource,
  ) {}

  async execute(scope: OperationScope<typeof PrivacyNoticeOps.dataMap>, q: { format: 'json' | 'html' }) {
    const answers = await Promise.all(SERVICES_ON_MAP.map((s) => this.declarations.of(s)));
    const map = mergeDataMap(answers, new Date());
    await this.access.record(scope, { ...(scope.ctx.tenantId ? { tenantId: scope.ctx.tenantId } : {}) });
    return { map, html: q.format === 'html' ? dataMapHtml(map) : null };
  }
}
