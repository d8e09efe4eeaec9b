import { Injectable } from '@nestjs/common';
import { TenantAccess } from '@lekha/access';
import type { RightsErasure, RightsPart, RightsPartRequestedEvent } from '@lekha/contracts';
import { holdingsFrom, type RightsHandler } from '@lekha/runtime';
import { customerCodec } from '../customers/customer-codec.js';
import { CustomerErasure } from '../customers/customer-erasure.js';
import { Customer } from '../customers/customer.entity.js';
import { fieldsTouched, ALL_CUSTOMER_FIELDS } from '../customers/customer.fields.js';
import { CustomerDocument } from '../documents/document.entity.js';
import { DocumentRepository } from '../documents/document.repository.js';
import { BusinessRecord } from '../records/business-record.entity.js';
import { RecordType } from '../records/record-type.entity.js';
import { RecordRepository } from '../records/record.repository.js';
import { TENANT_DATA_PERSONAL_DATA } from './personal-data.js';

type Ts = Date | string;
const iso = (v: Ts) => new Date(v).toISOString();

/**
 * Tenant-data's part: the customer's profile (every field decrypted), its change history (which
 * fields, when, by which kind of actor), the business records about them with their personal fields,
 * and their documents (kind, type, size, name; the bytes stay behind the documents route). The read
 * is audited as the service with the customer as subject.
 */
@Injectable()
export class TenantDataRightsHandler implements RightsHandler {
  readonly service = 'tenant-data' as const;
  readonly declarations = TENANT_DATA_PERSONAL_DATA;

  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
    private readonly documents: DocumentRepository,
    private readonly erasure: CustomerErasure,
  ) {}

  /**
   * A principal's erasure: the same path as `DELETE /v1/customers/:id` (profile, change history, business
   * records' link and personal fields, documents; `customer.erased` for the other services), as the service.
   */
  async erase(request: RightsPartRequestedEvent): Promise<RightsErasure> {
    const erased = await this.access.runAsService(request.tenantId, this.service, async (data) => {
      const done = await this.erasure.eraseRows(data, request.customerId);
      if (done) await data.record({ ...CustomerErasure.erasureRecord(request.customerId), reason: 'rights_erasure' });
      return done;
    });
    await this.erasure.removeBlobs(erased);
    const decl = (table: string) => this.declarations.find((d) => d.table === table)!;
    const item = (table: string, count: number) => ({ what: decl(table).what, category: decl(table).category, count });
    return {
      erased: [
        item('tenant_data.customers', erased ? 1 : 0),
        item('tenant_data.customer_changes', erased?.changes ?? 0),
        item('tenant_data.records', erased?.records ?? 0),
        item('tenant_data.documents', erased?.documents.length ?? 0),
      ],
      retained: [],
    };
  }

  async part(request: RightsPartRequestedEvent): Promise<RightsPart> {
    const id = request.customerId;
    const holdings = await this.access.runAsService(request.tenantId, this.service, async (data) => {
      const { tx, cipher } = data;
      const customer = await tx.findOne(Customer, { id });
      const found = await holdingsFrom(this.declarations, {
        'tenant_data.customers': async () =>
          customer
            ? {
                items: [{ id: customer.id, ...customerCodec.decode(cipher, customer) }],
                since: customer.createdAt,
              }
            : { items: [], since: null },
        'tenant_data.customer_changes': async () => {
          const rows = await tx.execute<{ action: string; actor_type: string; fields: string[]; changed_at: Ts }[]>(
            `select action, actor_type, fields, changed_at from tenant_data.customer_changes
               where tenant_id = ? and customer_id = ? order by changed_at`,
            [request.tenantId, id],
          );
          return {
            items: rows.map((r) => ({ action: r.action, by: r.actor_type, fields: r.fields, at: iso(r.changed_at) })),
            since: rows[0]?.changed_at ?? null,
          };
        },
        'tenant_data.records': async () => {
          const rows = await tx.find(BusinessRecord, { customerId: id }, { orderBy: { createdAt: 'asc' } });
          const types = new Map((await tx.find(RecordType, {})).map((t) => [t.id, t.key]));
          return {
            items: rows.map((r) => ({
              id: r.id,
              type: types.get(r.typeId) ?? null,
              stage: r.stage,
              occurredAt: r.occurredAt.toISOString(),
              data: this.records.plainData(data, r),
            })),
            since: rows[0]?.createdAt ?? null,
          };
        },
        'tenant_data.documents': async () => {
          const rows = await tx.find(
            CustomerDocument,
            { customerId: id, status: 'ready' },
            { orderBy: { createdAt: 'asc' } },
          );
          return {
            items: rows.map((r) => {
              const v = this.documents.view(cipher, r);
              return { id: v.id, kind: v.kind, mediaType: v.mediaType, size: v.size, name: v.name, at: v.createdAt };
            }),
            since: rows[0]?.createdAt ?? null,
          };
        },
      });
      await data.record({
        resource: { type: 'customer', id },
        subjectIds: [id],
        reason: `rights_${request.kind}`,
        fields: fieldsTouched(ALL_CUSTOMER_FIELDS),
      });
      return found;
    });
    return {
      service: this.service,
      holdings: holdings ?? [],
      sharedWith: [],
      activities: [],
      ...(holdings ? {} : { note: 'tenant-data holds nothing for this tenant' }),
    };
  }
}
