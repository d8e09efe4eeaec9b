import { PrivacyOps, type ListConsentsRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { addressCategory, principalIndex } from '../consent-view.js';
import { ConsentViews } from '../consent-views.js';
import { ConsentRepository } from '../consent.repository.js';

/** A principal's consents, newest first: withdrawn and expired ones too (the history), with where each is applied. */
@Handles(PrivacyOps.listConsents)
export class ListConsentsUseCase implements UseCase<typeof PrivacyOps.listConsents> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
    private readonly views: ConsentViews,
  ) {}

  execute(scope: OperationScope<typeof PrivacyOps.listConsents>, q: ListConsentsRequest) {
    const address = q.phone ?? q.email;
    return this.access.run(scope, async (data) => {
      const rows = await this.consents.list(data, {
        ...(q.customerId ? { customerId: q.customerId } : {}),
        ...(address ? { principalIdx: principalIndex(data.cipher, address) } : {}),
        ...(q.purpose ? { purpose: q.purpose } : {}),
      });
      const items = await this.views.of(data, rows);
      const subjects = [...new Set(rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
      await data.record({
        subjectIds: subjects,
        fields: [
          ...(address ? [{ name: 'principal', category: addressCategory(address) }] : []),
          { name: 'consent', category: 'user.consent' },
        ],
      });
      return { items };
    });
  }
}
