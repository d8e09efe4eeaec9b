import { Injectable } from '@nestjs/common';
import {
  DocumentKindCategory,
  uuidv7,
  type DocumentKind,
  type DocumentMediaType,
  type DocumentView,
} from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import { Customer } from '../customers/customer.entity.js';
import type { TenantScope } from '@lekha/access';
import { CustomerDocument, type CustomerDocumentRow } from './document.entity.js';

/** Document rows of one tenant (under its transaction and RLS); the display name is encrypted. */
@Injectable()
export class DocumentRepository {
  /** The label of the encrypted display name (one per column, as the key-rotation re-encryptor expects). */
  static nameField(_documentId: string): string {
    return 'document.name';
  }

  async customerExists({ tx }: TenantScope, customerId: string): Promise<boolean> {
    return (await tx.count(Customer, { id: customerId })) > 0;
  }

  async createPending(
    { tx, tenantId, cipher }: TenantScope,
    input: { customerId: string; kind: DocumentKind; name?: string; createdBy: string | null },
  ): Promise<CustomerDocumentRow> {
    const id = uuidv7();
    const row = tx.create(CustomerDocument, {
      id,
      tenantId,
      customerId: input.customerId,
      kind: input.kind,
      status: 'pending',
      mediaType: null,
      size: 0,
      chunks: 0,
      nameEnc: cipher.encrypt(DocumentRepository.nameField(id), input.name ?? null),
      createdBy: input.createdBy,
    } as CustomerDocumentRow);
    await tx.flush();
    return row;
  }

  /** An upload in progress, only for the user who began it. */
  findPending({ tx }: TenantScope, id: string, createdBy: string | null): Promise<CustomerDocumentRow | null> {
    return tx.findOne(CustomerDocument, { id, status: 'pending', createdBy });
  }

  findReady({ tx }: TenantScope, id: string): Promise<CustomerDocumentRow | null> {
    return tx.findOne(CustomerDocument, { id, status: 'ready' });
  }

  /** Committed documents of the customer, newest first, after the keyset cursor's row. */
  listReady(
    { tx }: TenantScope,
    customerId: string,
    q: { after?: { createdAt: Date; id: string }; limit: number },
  ): Promise<CustomerDocumentRow[]> {
    const where: Record<string, unknown> = { customerId, status: 'ready' };
    if (q.after)
      where.$or = [
        { createdAt: { $lt: q.after.createdAt } },
        { createdAt: q.after.createdAt, id: { $lt: q.after.id } },
      ];
    return tx.find(CustomerDocument, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit });
  }

  async save({ tx }: TenantScope): Promise<void> {
    await tx.flush();
  }

  async remove({ tx }: TenantScope, id: string): Promise<void> {
    await tx.nativeDelete(CustomerDocument, { id });
  }

  /** Every document of the customer, committed or in progress; returns what went. */
  async removeForCustomer({ tx }: TenantScope, customerId: string): Promise<CustomerDocumentRow[]> {
    const rows = await tx.find(CustomerDocument, { customerId });
    if (rows.length) await tx.nativeDelete(CustomerDocument, { customerId });
    return rows;
  }

  view(cipher: FieldCipher, row: CustomerDocumentRow): DocumentView {
    return {
      id: row.id,
      customerId: row.customerId,
      kind: row.kind as DocumentKind,
      mediaType: row.mediaType as DocumentMediaType,
      size: row.size,
      name: cipher.decrypt(DocumentRepository.nameField(row.id), row.nameEnc),
      createdBy: row.createdBy ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

export function documentField(kind: DocumentKind): { name: string; category: string } {
  return { name: `document.${kind}`, category: DocumentKindCategory[kind] };
}
