import { Global, Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { assertUnreachable } from '@lekha/contracts';
import type { TenantDataConfig } from '../config/tenant-data.config.js';
import { BlobStore, LocalFolderBlobStore } from './blob-store.js';
import { DocumentBlobs } from './document-blobs.js';
import { DocumentRepository } from './document.repository.js';
import { DocumentPurge } from './document-purge.js';
import { DocumentStorage, StorageUsageRelay } from './document-storage.js';
import { DocumentSweeper } from './document-sweeper.js';
import { DocumentKeyRotation } from './document-key-rotation.js';
import { DocumentsSettings, documentsSettings } from './documents.config.js';
import { BeginUploadUseCase } from './use-cases/begin-upload.use-case.js';
import { UploadChunkUseCase } from './use-cases/upload-chunk.use-case.js';
import { CommitUploadUseCase } from './use-cases/commit-upload.use-case.js';
import { AbortUploadUseCase } from './use-cases/abort-upload.use-case.js';
import { ListDocumentsUseCase } from './use-cases/list-documents.use-case.js';
import { BeginDownloadUseCase } from './use-cases/begin-download.use-case.js';
import { DownloadChunkUseCase } from './use-cases/download-chunk.use-case.js';
import { DeleteDocumentUseCase } from './use-cases/delete-document.use-case.js';

/** The blob store named by BLOB_STORE; a new adapter (S3, say) is one more case here. */
export function blobStoreFor(config: TenantDataConfig): BlobStore {
  switch (config.BLOB_STORE) {
    case 'local':
      return new LocalFolderBlobStore(config.DOCUMENTS_BLOB_DIR ?? join(config.LEKHA_DATA_DIR, 'tenant-data', 'blobs'));
    default:
      return assertUnreachable(config.BLOB_STORE);
  }
}

/** Documents; global so that deleting a customer can purge its documents (DocumentPurge). */
@Global()
@Module({})
export class DocumentsModule {
  static register(config: TenantDataConfig): DynamicModule {
    return {
      module: DocumentsModule,
      providers: [
        { provide: BlobStore, useValue: blobStoreFor(config) },
        { provide: DocumentsSettings, useValue: documentsSettings(config) },
        DocumentBlobs,
        DocumentRepository,
        DocumentPurge,
        DocumentStorage,
        StorageUsageRelay,
        DocumentSweeper,
        DocumentKeyRotation,
        BeginUploadUseCase,
        UploadChunkUseCase,
        CommitUploadUseCase,
        AbortUploadUseCase,
        ListDocumentsUseCase,
        BeginDownloadUseCase,
        DownloadChunkUseCase,
        DeleteDocumentUseCase,
      ],
      exports: [DocumentPurge, BlobStore],
    };
  }
}
