import { AccessError, FeatureError, PublicRightsOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { phoneIndexes } from '../contact-indexes.js';

type Op = typeof PublicRightsOps.findPrincipal;

/**
 * The customer holding exactly this phone or email, for compliance's public route (a principal's own
 * rights request): compliance sends its one-time code only to an address on record. Only a service asks,
 * naming the tenant; the reply holds an ID or null, nothing else. Audited in the tenant as a read by the
 * contact index (reason `principal_verification`), the customer as subject when one matched.
 */
@Handles(PublicRightsOps.findPrincipal)
export class FindPrincipalUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  async execute(scope: OperationScope<Op>, input: { tenantId: string; phone?: string; email?: string }) {
    if (scope.ctx.actorType !== 'service')
      return this.access.refuse(
        scope,
        { reason: 'forbidden' },
        new FeatureError(AccessError.PermissionMissing, 'only a service may look a principal up'),
      );
    const inTenant = { ...scope, ctx: { ...scope.ctx, tenantId: input.tenantId } };
    return this.access.run(inTenant, async (data) => {
      const found = await this.customers.findByContactIndexes(
        data,
        input.phone ? phoneIndexes(data.cipher, input.phone) : [],
        input.email ? [data.cipher.index('email', input.email)!] : [],
      );
      // Two customers may not share a phone or an email (a unique index); one match or none.
      const customerId = found[0]?.id ?? null;
      await data.record({
        tenantId: input.tenantId,
        ...(customerId ? { resource: { id: customerId }, subjectIds: [customerId] } : {}),
        reason: 'principal_verification',
      });
      return { customerId };
    });
  }
}
