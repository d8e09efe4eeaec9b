import {
  FeatureError,
  OPEN_RIGHTS_STATUSES,
  PrivacyError,
  PublicRightsOps,
  rightsCorrectionsSchema,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { z } from 'zod';
import type { applyCorrectionSchema } from '@lekha/contracts';
import { RightsClock } from '../../rights-clock.js';
import { rightsRequestView } from '../../rights-view.js';
import { RightsRepository } from '../../rights.repository.js';
import { PrincipalDirectory } from '../../public/principal-directory.js';
import { RightsCorrectionRepository } from '../../public/public-verification.repository.js';
import { changedFields } from '../changed-fields.js';

type Op = typeof PublicRightsOps.applyCorrection;
const notFound = () => new FeatureError(PrivacyError.RequestNotFound, 'no such rights request');

/**
 * Approves a correction request: the changes the principal asked for on the public route (or those the
 * staff member gives) are applied through tenant-data's normal customer update under the staff member's
 * own token (validated there, kept in the field history, audited), then the request completes with a
 * note of what changed and an audit record naming the request and the customer. A refusal from tenant-data
 * (a contact another customer holds, no `customers:write`) leaves the request open.
 */
@Handles(PublicRightsOps.applyCorrection)
export class CorrectRightsRequestUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly requests: RightsRepository,
    private readonly corrections: RightsCorrectionRepository,
    private readonly directory: PrincipalDirectory,
    private readonly clock: RightsClock,
  ) {}

  async execute(scope: OperationScope<Op>, input: z.output<typeof applyCorrectionSchema>) {
    const found = await this.access.runOnOne(
      scope,
      input.id,
      async (data) => {
        const row = await this.requests.find(data, input.id);
        if (!row) return null;
        const refuse = async (reason: string, error: FeatureError) => {
          await data.record({ resource: { id: row.id }, outcome: 'denied', reason });
          return { refused: error };
        };
        if (row.kind !== 'correction')
          return refuse(
            'not_a_correction',
            new FeatureError(PrivacyError.NotCorrection, `a ${row.kind} request has no correction to apply`),
          );
        if (!OPEN_RIGHTS_STATUSES.includes(row.status))
          return refuse(
            `already_${row.status}`,
            new FeatureError(PrivacyError.RequestClosed, `the request is already ${row.status}`),
          );
        const asked = await this.corrections.find(data, row.id);
        const stored = asked?.requested_enc
          ? rightsCorrectionsSchema.parse(JSON.parse(data.cipher.decrypt('rights.corrections', asked.requested_enc)!))
          : null;
        const changes = input.changes ?? stored;
        if (!changes)
          return refuse(
            'correction_missing',
            new FeatureError(
              PrivacyError.CorrectionMissing,
              'give the changes: the principal asked for none on the public route',
            ),
          );
        return { customerId: row.customer_id, changes };
      },
      notFound,
    );
    if ('refused' in found) throw found.refused;
    const { before } = await this.directory.correct(found.customerId, found.changes);
    const changed = changedFields(found.changes, before);
    const now = this.clock.now();
    return this.access.run(scope, async (data) => {
      const row = (await this.requests.find(data, input.id, true))!;
      await this.corrections.applied(data, row.id, found.customerId, changed, now);
      if (OPEN_RIGHTS_STATUSES.includes(row.status)) {
        await this.requests.setStatus(data, row.id, {
          status: 'completed',
          completedAt: now,
          noteEnc: data.cipher.encrypt(
            'rights.note',
            changed.length ? `Corrected: ${changed.join(', ')}` : 'Nothing to correct: the data was already so',
          )!,
        });
        await data.record({
          resource: { id: row.id },
          subjectIds: [row.customer_id],
          reason: 'status_completed',
        });
      }
      await data.record({
        resource: { id: row.id },
        subjectIds: [row.customer_id],
        reason: `correction_applied${changed.length ? `_${changed.join('_')}` : ''}`.slice(0, 60),
      });
      const after = (await this.requests.find(data, row.id))!;
      return {
        request: rightsRequestView(data.cipher, after, await this.requests.parts(data, [row.id]), now),
        changed,
      };
    });
  }
}
