import { Injectable } from '@nestjs/common';
import { DomainError, type RecordTypeView, type UpdateRecordTypeRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { toRecordTypeView } from './record-type-view.js';
import { assigneeField, effectiveFields, isOperational, stageField } from '../record-fields.js';

/** Replaces a type's schema as a new version; existing records are kept as written and stay readable. */
@Injectable()
export class UpdateRecordTypeUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, input: UpdateRecordTypeRequest): Promise<RecordTypeView> {
    return this.access.runOnOne(
      ctx,
      { permission: 'records:types:manage', action: 'update', resource: { type: 'record_type', id: input.key } },
      async (scope) => {
        const row = await this.records.findType(scope, input.key);
        if (!row) return null;
        // The stage and the assignee are stored plain: a field that held personal data in any version cannot become
        // one.
        const was = new Map(effectiveFields(row).map((f) => [f.name, f.category]));
        const plain = [stageField(input.schema), assigneeField(input.schema)].filter(
          (n): n is string => !!n && !isOperational(was.get(n) ?? 'business.operational'),
        );
        if (plain.length) {
          const details = plain.map((name) => ({
            path: `schema.properties.${name}`,
            message: `held ${was.get(name)} in an earlier version; use a new field name`,
          }));
          throw new DomainError('VALIDATION_FAILED', 'a field once personal cannot be the stage or assignee', details);
        }
        await this.records.updateType(scope, row, input.schema, input.name);
        await this.access.audit.record(scope.tx, { action: 'update', resource: { type: 'record_type', id: row.id } });
        return toRecordTypeView(row);
      },
    );
  }
}
