import { Injectable } from '@nestjs/common';
import { uuidv7, type CreateCustomerRequest, type CustomerView, type MarketingChannel } from '@lekha/contracts';
import { requireContext } from '@lekha/tenancy';
import { Customer, type CustomerRow } from './customer.entity.js';
import { CustomerChange, type CustomerChangeRow } from './customer-change.entity.js';
import { customerCodec, type CustomerPlain } from './customer-codec.js';
import type { CustomerField } from './customer.fields.js';
import type { TenantScope } from '../common/tenant-access.js';

export interface CustomerPageQuery {
  phone?: string;
  email?: string;
  tag?: string;
  preferredLanguage?: string;
  consent?: MarketingChannel;
  after?: { createdAt: Date; id: string };
  limit: number;
}

const CONSENT_COLUMN = { sms: 'consentSms', whatsapp: 'consentWhatsapp', email: 'consentEmail' } as const;

/** Customers of one tenant and their change history; encrypts on the way in, decrypts on the way out. */
@Injectable()
export class CustomerRepository {
  async create({ tx, tenantId, cipher }: TenantScope, input: CreateCustomerRequest): Promise<CustomerView> {
    const consent = { sms: false, whatsapp: false, email: false, ...input.marketingConsent };
    const row = tx.create(Customer, {
      id: uuidv7(),
      tenantId,
      ...customerCodec.encode(cipher, { ...input, marketingConsent: consent }),
    } as CustomerRow);
    await tx.flush();
    return customerCodec.view(cipher, row);
  }

  findRow({ tx }: TenantScope, id: string): Promise<CustomerRow | null> {
    return tx.findOne(Customer, { id });
  }

  async findById(scope: TenantScope, id: string): Promise<CustomerView | null> {
    const row = await this.findRow(scope, id);
    return row ? customerCodec.view(scope.cipher, row) : null;
  }

  /** Writes the changed fields of a loaded row; returns the fresh view. */
  async update({ tx, cipher }: TenantScope, row: CustomerRow, changed: Partial<CustomerPlain>): Promise<CustomerView> {
    tx.assign(row, customerCodec.encode(cipher, changed));
    await tx.flush();
    return customerCodec.view(cipher, row);
  }

  /**
   * Permanent: the row and (by cascade) its change history; its business records lose the link
   * and their personal fields, keeping only the operational facts that owner reports count.
   * Returns whether a row went.
   */
  async delete({ tx, tenantId }: TenantScope, id: string): Promise<boolean> {
    await tx.execute('update tenant_data.records set customer_id = null, personal_enc = null where tenant_id = ? and customer_id = ?', [tenantId, id]);
    return (await tx.nativeDelete(Customer, { id })) > 0;
  }

  async recordChange({ tx, tenantId }: TenantScope, customerId: string, action: 'create' | 'update', fields: CustomerField[]): Promise<void> {
    const ctx = requireContext();
    tx.create(CustomerChange, { id: uuidv7(), tenantId, customerId, action, actorId: ctx.actorId, actorType: ctx.actorType, fields } as CustomerChangeRow);
    await tx.flush();
  }

  history({ tx }: TenantScope, customerId: string): Promise<CustomerChangeRow[]> {
    return tx.find(CustomerChange, { customerId }, { orderBy: { changedAt: 'desc', id: 'desc' }, limit: 200 });
  }

  async page({ tx, cipher: c }: TenantScope, q: CustomerPageQuery): Promise<CustomerView[]> {
    const where: Record<string, unknown> = {};
    if (q.phone) where.phoneIdx = c.index('phone', q.phone);
    if (q.email) where.emailIdx = c.index('email', q.email);
    if (q.tag) where.tagIdx = { $contains: [c.index('tag', q.tag)] };
    if (q.preferredLanguage) where.preferredLanguage = q.preferredLanguage;
    if (q.consent) where[CONSENT_COLUMN[q.consent]] = true;
    if (q.after) {
      where.$or = [{ createdAt: { $lt: q.after.createdAt } }, { createdAt: q.after.createdAt, id: { $lt: q.after.id } }];
    }
    const rows = await tx.find(Customer, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit });
    return rows.map((r) => customerCodec.view(c, r));
  }
}
