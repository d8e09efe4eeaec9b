import { Injectable } from '@nestjs/common';
import { DomainError, type CreateRecordRequest, type RecordView } from '@lekha/contracts';
import { hasPermission, type RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { validateRecordData } from '../record-validator.js';
import { hiddenRecordFields, recordFields } from '../record-fields.js';

type Outcome = { ok: RecordView } | { missing: 'record type' | 'customer' };

/** Writes a record after validating it against its type; the linked customer must be the tenant's. */
@Injectable()
export class CreateRecordUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  async execute(ctx: RequestContext, input: CreateRecordRequest): Promise<RecordView> {
    const outcome = await this.access.run<Outcome>(ctx, { permission: 'records:write', action: 'create', resource: { type: 'record', id: null } }, async (scope) => {
      const type = await this.records.findType(scope, input.type);
      if (!type) return { missing: 'record type' };
      const data = validateRecordData(type.schema, input.data);
      if (input.customerId && !(await this.records.customerExists(scope, input.customerId))) {
        // Possibly another tenant's customer: recorded as denied, answered like any unknown id.
        await this.access.audit.record(scope.tx, { action: 'create', resource: { type: 'record', id: null }, outcome: 'denied', reason: 'customer_not_found' });
        return { missing: 'customer' };
      }
      const row = await this.records.create(scope, type, input, data);
      await this.access.audit.record(scope.tx, {
        action: 'create',
        resource: { type: 'record', id: row.id },
        subjectIds: row.customerId ? [row.customerId] : [],
        fields: recordFields(type.schema).filter((f) => data[f.name] !== undefined),
      });
      return { ok: this.records.toView(scope, row, type.key, hiddenRecordFields(type.schema, hasPermission(ctx.roles, 'customers:read:sensitive'))) };
    });
    if ('missing' in outcome) throw new DomainError('NOT_FOUND', `${outcome.missing} not found`, [{ path: outcome.missing === 'customer' ? 'customerId' : 'type', message: 'not found' }]);
    return outcome.ok;
  }
}
