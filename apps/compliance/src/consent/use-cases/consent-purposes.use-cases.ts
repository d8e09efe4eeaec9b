import { PrivacyOps, type PutConsentPurposeRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { ConsentRepository } from '../consent.repository.js';

@Handles(PrivacyOps.listConsentPurposes)
export class ListConsentPurposesUseCase implements UseCase<typeof PrivacyOps.listConsentPurposes> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
  ) {}

  execute(scope: OperationScope<typeof PrivacyOps.listConsentPurposes>) {
    return this.access.run(scope, async (data) => {
      const items = await this.consents.purposes(data);
      await data.record({});
      return { items };
    });
  }
}

/** Adds a purpose or relabels one. Records already given keep the grant they were given with. */
@Handles(PrivacyOps.putConsentPurpose)
export class PutConsentPurposeUseCase implements UseCase<typeof PrivacyOps.putConsentPurpose> {
  constructor(
    private readonly access: TenantAccess,
    private readonly consents: ConsentRepository,
  ) {}

  execute(scope: OperationScope<typeof PrivacyOps.putConsentPurpose>, input: PutConsentPurposeRequest) {
    return this.access.run(scope, async (data) => {
      await this.consents.putPurpose(data, input);
      await data.record({ resource: { id: input.key } });
      return input;
    });
  }
}
