import {
  FeatureError,
  SupportError,
  SupportOps,
  supportScopePermissions,
  type OpRequest,
  type OpResponse,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../data/identity-data.js';
import { PlatformAccess } from '../platform-users/platform-access.js';
import { TokenSigner } from '../signing/token-signer.js';
import { ComplianceGrants } from './compliance-grants.js';

type Op = typeof SupportOps.issueToken;

/**
 * A token scoped to an approved grant, for the support engineer who asked for it: the grant's tenant
 * (`tid`), its ID as the session (`sid`), actor `support`, and exactly its scope's permissions (`scp`).
 * It expires no later than the grant (and no later than any access token), so expiry needs no job;
 * revocation is the gateway's per-request check of the grant.
 */
@Handles(SupportOps.issueToken)
export class IssueSupportTokenUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly grants: ComplianceGrants,
    private readonly signer: TokenSigner,
    private readonly data: IdentityData,
  ) {}

  async execute(scope: OperationScope<Op>, input: OpRequest<Op>): Promise<OpResponse<Op>> {
    const actorId = await this.platform.requireFor(scope);
    const grant = await this.grants.grantForToken(input.id);
    const left = Math.floor((new Date(grant.expiresAt).getTime() - Date.now()) / 1000);
    const resource = { type: 'support_grant', id: grant.id };
    if (left <= 0 || grant.requestedBy !== actorId) {
      await this.data.record({ action: 'support_access', resource, tenantId: grant.tenantId, outcome: 'denied' });
      throw new FeatureError(SupportError.GrantEnded, 'this grant has expired');
    }
    const permissions = supportScopePermissions(grant.scope);
    const { token, expiresIn } = await this.signer.sign(
      {
        sub: actorId,
        tid: grant.tenantId,
        roles: ['platform:support'],
        sid: grant.id,
        act: 'support',
        scp: permissions,
      },
      Math.min(left, input.ttlSeconds ?? left),
    );
    await this.data.record({ action: 'support_access', resource, tenantId: grant.tenantId, reason: 'token_issued' });
    return {
      accessToken: token,
      expiresIn,
      expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
      grantId: grant.id,
      tenantId: grant.tenantId,
      permissions,
    };
  }
}
