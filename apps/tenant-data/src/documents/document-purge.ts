import { Injectable } from '@nestjs/common';
import type { DocumentKind } from '@lekha/contracts';
import type { TenantScope } from '@lekha/access';
import { DocumentRepository, documentField } from './document.repository.js';
import { DocumentBlobs } from './document-blobs.js';
import { DocumentStorage } from './document-storage.js';

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
    private readonly storage: DocumentStorage,
  ) {}

  async removeRows(scope: TenantScope, customerId: string): Promise<string[]> {
    await this.storage.lock(scope);
    const rows = await this.documents.removeForCustomer(scope, customerId);
    if (rows.length) await this.storage.report(scope, await this.storage.held(scope));
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
