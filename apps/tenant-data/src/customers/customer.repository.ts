import { Injectable } from '@nestjs/common';
import { uuidv7, type CreateCustomerRequest, type CustomerView, type MarketingChannel } from '@lekha/contracts';
import { requireContext } from '@lekha/tenancy';
import { Customer, type CustomerRow } from './customer.entity.js';
import { customerChanges } from './customer-change.entity.js';
import type { ChangeRow } from '@lekha/persistence';
import { customerCodec, type CustomerPlain } from './customer-codec.js';
import type { CustomerField } from './customer.fields.js';
import type { TenantScope } from '@lekha/access';
import { phoneIndexes } from './contact-indexes.js';

export interface CustomerPageQuery {
  phone?: string;
  email?: string;
  tag?: string;
  preferredLanguage?: string;
  consent?: MarketingChannel;
  /** Only these customers (a caller who sees only customers linked to records assigned to them). */
  ids?: string[];
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
  /** How many business records and change-history entries name the customer (what an erasure touches). */
  async linkedCounts({ tx, tenantId }: TenantScope, id: string): Promise<{ records: number; changes: number }> {
    const [row] = await tx.execute<{ records: string | number; changes: string | number }[]>(
      `select (select count(*) from tenant_data.records where tenant_id = ? and customer_id = ?) as records,
         (select count(*) from tenant_data.customer_changes where tenant_id = ? and customer_id = ?) as changes`,
      [tenantId, id, tenantId, id],
    );
    return { records: Number(row?.records ?? 0), changes: Number(row?.changes ?? 0) };
  }

  async delete({ tx, tenantId }: TenantScope, id: string): Promise<boolean> {
    await tx.execute(
      'update tenant_data.records set customer_id = null, personal_enc = null where tenant_id = ? and customer_id = ?',
      [tenantId, id],
    );
    return (await tx.nativeDelete(Customer, { id })) > 0;
  }

  /** Customers linked to a record assigned to `userId`: all a caller without `records:read:all` may see. */
  async assignedCustomerIds({ tx, tenantId }: TenantScope, userId: string): Promise<string[]> {
    const rows = await tx.execute<{ customer_id: string }[]>(
      'select distinct customer_id from tenant_data.records where tenant_id = ? and assignee_user_id = ? and ' +
        'customer_id is not null',
      [tenantId, userId],
    );
    return rows.map((r) => r.customer_id);
  }

  /** Existing customers holding any of these blind-indexed phones or emails (id and which index matched). */
  async findByContactIndexes(
    { tx }: TenantScope,
    phoneIdx: string[],
    emailIdx: string[],
  ): Promise<{ id: string; phoneIdx: string | null; emailIdx: string | null }[]> {
    const found: { id: string; phoneIdx: string | null; emailIdx: string | null }[] = [];
    const BATCH = 2000;
    for (const [column, values] of [
      ['phoneIdx', phoneIdx],
      ['emailIdx', emailIdx],
    ] as const) {
      for (let i = 0; i < values.length; i += BATCH) {
        const rows = await tx.find(
          Customer,
          { [column]: { $in: values.slice(i, i + BATCH) } },
          { fields: ['id', 'phoneIdx', 'emailIdx'] },
        );
        found.push(...rows.map((r) => ({ id: r.id, phoneIdx: r.phoneIdx ?? null, emailIdx: r.emailIdx ?? null })));
      }
    }
    return found;
  }

  /** Inserts many customers (and their `create` history) in the caller's transaction; ids in input order. */
  async createMany(
    { tx, tenantId, cipher }: TenantScope,
    inputs: CreateCustomerRequest[],
    written: (input: CreateCustomerRequest) => CustomerField[],
  ): Promise<string[]> {
    const ctx = requireContext();
    const now = new Date();
    const ids: string[] = [];
    const BATCH = 500;
    for (let i = 0; i < inputs.length; i += BATCH) {
      const batch = inputs.slice(i, i + BATCH);
      const rows = batch.map((input) => {
        const id = uuidv7();
        ids.push(id);
        // Every column given (nulls included): a multi-row insert needs the same columns in each row.
        const plain: CustomerPlain = {
          name: input.name,
          phone: input.phone ?? null,
          email: input.email ?? null,
          addresses: input.addresses ?? [],
          notes: input.notes ?? null,
          healthNotes: input.healthNotes ?? null,
          tags: input.tags ?? [],
          preferredLanguage: input.preferredLanguage ?? null,
          marketingConsent: { sms: false, whatsapp: false, email: false, ...input.marketingConsent },
          extra: input.extra ?? {},
        };
        return { id, tenantId, createdAt: now, updatedAt: now, ...customerCodec.encode(cipher, plain) } as CustomerRow;
      });
      await tx.insertMany(Customer, rows);
      await customerChanges.record(
        tx,
        tenantId,
        ctx,
        batch.map((input, j) => ({ subjectId: rows[j]!.id, action: 'create' as const, fields: written(input) })),
        now,
      );
    }
    return ids;
  }

  recordChange(
    { tx, tenantId }: TenantScope,
    customerId: string,
    action: 'create' | 'update',
    fields: CustomerField[],
  ): Promise<void> {
    return customerChanges.record(tx, tenantId, requireContext(), [{ subjectId: customerId, action, fields }]);
  }

  history({ tx }: TenantScope, customerId: string): Promise<ChangeRow[]> {
    return customerChanges.history(tx, customerId);
  }

  async page({ tx, cipher: c }: TenantScope, q: CustomerPageQuery): Promise<CustomerView[]> {
    const where: Record<string, unknown> = {};
    if (q.phone) where.phoneIdx = { $in: phoneIndexes(c, q.phone) };
    if (q.email) where.emailIdx = c.index('email', q.email);
    if (q.tag) where.tagIdx = { $contains: [c.index('tag', q.tag)] };
    if (q.preferredLanguage) where.preferredLanguage = q.preferredLanguage;
    if (q.consent) where[CONSENT_COLUMN[q.consent]] = true;
    if (q.ids) where.id = { $in: q.ids };
    if (q.after) {
      where.$or = [
        { createdAt: { $lt: q.after.createdAt } },
        { createdAt: q.after.createdAt, id: { $lt: q.after.id } },
      ];
    }
    const rows = await tx.find(Customer, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit });
    return rows.map((r) => customerCodec.view(c, r));
  }
}
