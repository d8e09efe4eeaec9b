import { Injectable } from '@nestjs/common';
import type { FieldCipher } from '@lekha/crypto';
import { BlobStore } from './blob-store.js';

export const DOCUMENTS_PREFIX = 'documents';

/**
 * A document's bytes as encrypted segments `documents/<tenant>/<document>/<n>`, one per uploaded
 * chunk. Each segment is AES-256-GCM under the tenant's data key with a label binding tenant,
 * document and position, so a segment cannot be swapped, reordered or moved to another document.
 */
@Injectable()
export class DocumentBlobs {
  constructor(readonly store: BlobStore) {}

  static segmentKey(tenantId: string, documentId: string, index: number): string {
    return `${DOCUMENTS_PREFIX}/${tenantId}/${documentId}/${index}`;
  }

  static label(tenantId: string, documentId: string, index: number): string {
    return `document:${tenantId}:${documentId}:${index}`;
  }

  async putSegment(
    cipher: FieldCipher,
    tenantId: string,
    documentId: string,
    index: number,
    plaintext: Buffer,
  ): Promise<void> {
    const sealed = cipher.encryptBytes(DocumentBlobs.label(tenantId, documentId, index), plaintext);
    await this.store.put(DocumentBlobs.segmentKey(tenantId, documentId, index), sealed);
  }

  async getSegment(cipher: FieldCipher, tenantId: string, documentId: string, index: number): Promise<Buffer> {
    const sealed = await this.store.get(DocumentBlobs.segmentKey(tenantId, documentId, index));
    if (!sealed) throw new Error('document segment missing from the blob store');
    return cipher.decryptBytes(DocumentBlobs.label(tenantId, documentId, index), sealed);
  }

  segmentExists(tenantId: string, documentId: string, index: number): Promise<boolean> {
    return this.store.exists(DocumentBlobs.segmentKey(tenantId, documentId, index));
  }

  /** Every segment of the documents (after their rows are gone). */
  async deleteAll(tenantId: string, documentIds: readonly string[]): Promise<void> {
    for (const id of documentIds) {
      const segments = await this.store.list(`${DOCUMENTS_PREFIX}/${tenantId}/${id}`);
      for (const s of segments) await this.store.delete(s.key);
    }
  }
}
