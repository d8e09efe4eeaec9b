import { Injectable } from '@nestjs/common';
import { SupportOps, type OpResponse } from '@lekha/contracts';
import { ServiceBus } from '@lekha/runtime';

export type SupportGrantForToken = OpResponse<typeof SupportOps.grantForToken>;

/** Where identity learns of a support grant before it issues the grant's token: compliance, which owns grants. */
export abstract class ComplianceGrants {
  /** The active grant, asked as the current caller (compliance checks they requested it); refusals are thrown. */
  abstract grantForToken(grantId: string): Promise<SupportGrantForToken>;
}

/**
 * Asks compliance over the bus (`compliance.support-grants.for-token`) with the caller's own token, so
 * compliance judges the support engineer itself. Connects on first use.
 */
@Injectable()
export class BusComplianceGrants extends ComplianceGrants {
  constructor(private readonly bus: ServiceBus) {
    super();
  }

  async grantForToken(grantId: string): Promise<SupportGrantForToken> {
    const bus = await this.bus.connected('compliance cannot be reached; retry shortly');
    return bus.invoke(SupportOps.grantForToken, { id: grantId });
  }
}
