import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { keyVersionOf, type FieldCipher } from '@lekha/crypto';
import { Database, inTenantTransaction } from '@lekha/persistence';
import { Reencryptor } from '../keys/reencryptor.js';
import { DOCUMENTS_PREFIX, DocumentBlobs } from './document-blobs.js';

/**
 * Takes part in a tenant data-key rotation: the encrypted display names (a column) and the
 * encrypted segments in the blob store move to the current key version, so an old version is
 * retired only once no document uses it.
 */
@Injectable()
export class DocumentKeyRotation implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly blobs: DocumentBlobs,
    @Optional() private readonly reencryptor?: Reencryptor,
  ) {}

  onModuleInit(): void {
    if (!this.reencryptor) return;
    this.reencryptor.registerColumns({
      table: 'documents',
      subject: 'customer_id',
      columns: { name_enc: 'document.name' },
    });
    this.reencryptor.register({
      name: 'document_segments',
      reencrypt: (tenantId, cipher) => this.walk(tenantId, cipher, true),
      stale: async (tenantId, cipher) => (await this.walk(tenantId, cipher, false)).moved,
    });
  }

  /** Segments under an older version than the current one: counted, or re-encrypted (atomically, one by one). */
  private async walk(
    tenantId: string,
    cipher: FieldCipher,
    move: boolean,
  ): Promise<{ moved: number; subjectIds: string[] }> {
    const owners = new Map(
      (
        await inTenantTransaction(this.db.em(), tenantId, (tx) =>
          tx.execute<{ id: string; customer_id: string }[]>(`select id, customer_id from ${this.db.schema}.documents`),
        )
      ).map((r) => [String(r.id), String(r.customer_id)]),
    );
    const current = cipher.currentVersion;
    const subjects = new Set<string>();
    let moved = 0;
    for (const entry of await this.blobs.store.list(`${DOCUMENTS_PREFIX}/${tenantId}`)) {
      const [, , documentId, index] = entry.key.split('/');
      const customerId = documentId ? owners.get(documentId) : undefined;
      if (!customerId || index === undefined) continue; // no row: the sweep removes it
      const sealed = await this.blobs.store.get(entry.key);
      if (!sealed || keyVersionOf(sealed) >= current) continue;
      if (move)
        await this.blobs.store.put(
          entry.key,
          cipher.reencrypt(DocumentBlobs.label(tenantId, documentId, Number(index)), sealed),
        );
      moved++;
      subjects.add(customerId);
    }
    return { moved, subjectIds: [...subjects] };
  }
}
