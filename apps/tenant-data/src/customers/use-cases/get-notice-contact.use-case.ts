import { AccessError, CustomerError, CustomerOps, FeatureError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';

type Op = typeof CustomerOps.noticeContact;

/**
 * A customer's name, phone and email for a platform notice the law requires (compliance's breach
 * notices, delivered by notifications). Only a service calls it, naming the tenant (a service caller
 * carries none); the reply is sealed to the calling process. Audited in the tenant as a read of the
 * customer's name and contact fields (reason `platform_notice`); an unknown customer is a 404.
 */
@Handles(CustomerOps.noticeContact)
export class GetNoticeContactUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  async execute(scope: OperationScope<Op>, { tenantId, id }: { tenantId: string; id: string }) {
    if (scope.ctx.actorType !== 'service')
      return this.access.refuse(
        scope,
        { resource: { id }, reason: 'forbidden' },
        new FeatureError(AccessError.PermissionMissing, 'only a service may ask for a notice recipient'),
      );
    const inTenant = { ...scope, ctx: { ...scope.ctx, tenantId } };
    return this.access.runOnOne(
      inTenant,
      id,
      async (data) => {
        const found = await this.customers.findById(data, id);
        if (!found) return null;
        await data.record({
          resource: { id },
          tenantId,
          subjectIds: [id],
          fields: fieldsTouched(['name', 'phone', 'email']),
          reason: 'platform_notice',
        });
        return { id, name: found.name, phone: found.phone, email: found.email };
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
  }
}
