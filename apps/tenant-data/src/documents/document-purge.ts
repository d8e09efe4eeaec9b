import { Injectable } from '@nestjs/common';
import type { DocumentKind } from '@lekha/contracts';
import type { TenantScope } from '@lekha/access';
import { DocumentRepository, documentField } from './document.repository.js';
import { DocumentBlobs } from './document-blobs.js';

/**
 * For deleting a customer: `removeRows` inside the deletion's transaction (each document's deletion
 * audited), `removeBlobs` after it commits. A crash in between leaves only ciphertext without a
 * row, which the sweep removes.
 */
@Injectable()
export class DocumentPurge {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async removeRows(scope: TenantScope, customerId: string): Promise<string[]> {
    const rows = await this.documents.removeForCustomer(scope, customerId);
    await scope.record(
      ...rows.map((r) => ({
        action: 'delete' as const,
        resource: { type: 'document', id: r.id },
        subjectIds: [customerId],
        fields: [documentField(r.kind as DocumentKind)],
      })),
    );
    return rows.map((r) => r.id);
  }

  removeBlobs(tenantId: string, documentIds: readonly string[]): Promise<void> {
    return this.blobs.deleteAll(tenantId, documentIds);
  }
}
