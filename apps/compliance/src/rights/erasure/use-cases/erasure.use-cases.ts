import { FeatureError, PrivacyError, RightsOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RightsRepository } from '../../rights.repository.js';
import { ErasureRepository } from '../erasure.repository.js';

/**
 * The signed deletion certificate of a completed erasure request. Another tenant's request is a 404
 * audited as denied; a request with no certificate yet (not an erasure, or not completed: still erasing,
 * checking, or holding a residue) is a 404 `PRIVACY_CERTIFICATE_NOT_READY` saying where it stands.
 */
@Handles(RightsOps.requestCertificate)
export class GetErasureCertificateUseCase implements UseCase<typeof RightsOps.requestCertificate> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly erasures: ErasureRepository,
  ) {}

  async execute(scope: OperationScope<typeof RightsOps.requestCertificate>, input: { id: string }) {
    const result = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id);
        if (!row) return null;
        const erasure = row.kind === 'erasure' ? await this.erasures.find(data, row.id) : null;
        const article = row.kind === 'access' ? 'an' : 'a';
        if (!erasure?.certificate) {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason: 'certificate_not_ready' });
          return {
            certificate: null,
            notReady:
              row.kind !== 'erasure'
                ? `this is ${article} ${row.kind} request: only a completed erasure has a certificate`
                : row.status === 'rejected'
                  ? 'the erasure request was rejected: no certificate'
                  : erasure?.phase === 'residue'
                    ? 'the access check after the erasure still found personal data (the request’s residue): ' +
                      'no certificate'
                    : `the erasure is ${erasure?.phase ?? row.status}: its certificate is signed once the access ` +
                      'check after the erasure comes back empty',
          };
        }
        await data.record({ resource: { id: erasure.certificate.id }, subjectIds: [row.customer_id] });
        return { notReady: null, certificate: erasure.certificate };
      },
      () => new FeatureError(PrivacyError.RequestNotFound, 'no such rights request'),
    );
    if (!result.certificate) throw new FeatureError(PrivacyError.CertificateNotReady, result.notReady ?? 'not ready');
    return result.certificate;
  }
}
