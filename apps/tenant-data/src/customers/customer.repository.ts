import { Injectable } from '@nestjs/common';
import type { FieldCipher } from '@lekha/crypto';
import { uuidv7, type CreateCustomerRequest, type CustomerView } from '@lekha/contracts';
import { Customer, type CustomerRow } from './customer.entity.js';
import type { TenantScope } from './customer-access.js';

export interface CustomerPageQuery {
  phone?: string;
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Customers of one tenant; encrypts on the way in and decrypts on the way out. */
@Injectable()
export class CustomerRepository {
  async create({ tx, tenantId, cipher: c }: TenantScope, input: CreateCustomerRequest): Promise<CustomerView> {
    const row = tx.create(Customer, {
      id: uuidv7(),
      tenantId,
      nameEnc: c.encrypt('name', input.name)!,
      phoneEnc: c.encrypt('phone', input.phone),
      phoneIdx: c.index('phone', input.phone),
      emailEnc: c.encrypt('email', input.email),
      emailIdx: c.index('email', input.email),
      notesEnc: c.encrypt('notes', input.notes),
    });
    await tx.flush();
    return this.toView(c, row);
  }

  async findById({ tx, cipher }: TenantScope, id: string): Promise<CustomerView | null> {
    const row = await tx.findOne(Customer, { id });
    return row ? this.toView(cipher, row) : null;
  }

  async page({ tx, cipher: c }: TenantScope, q: CustomerPageQuery): Promise<CustomerView[]> {
    const where: Record<string, unknown> = {};
    if (q.phone) where.phoneIdx = c.index('phone', q.phone);
    if (q.after) {
      where.$or = [{ createdAt: { $lt: q.after.createdAt } }, { createdAt: q.after.createdAt, id: { $lt: q.after.id } }];
    }
    const rows = await tx.find(Customer, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit });
    return rows.map((r) => this.toView(c, r));
  }

  private toView(c: FieldCipher, row: CustomerRow): CustomerView {
    return {
      id: row.id,
      name: c.decrypt('name', row.nameEnc)!,
      phone: c.decrypt('phone', row.phoneEnc),
      email: c.decrypt('email', row.emailEnc),
      notes: c.decrypt('notes', row.notesEnc),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
