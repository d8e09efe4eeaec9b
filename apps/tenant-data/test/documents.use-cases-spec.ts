import { CustomerOps, DocumentOps, type AuditEventV1 } from '@lekha/contracts';
import { samplePdf } from '@lekha/testing';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { Database, inTenantTransaction } from '@lekha/persistence';
import { DocumentBlobs } from '../src/documents/document-blobs.js';
import { DocumentSweeper } from '../src/documents/document-sweeper.js';
import { startTenantData } from './tenant-data-harness.js';

const GOVERNMENT_ID = { name: 'document.government_id', category: 'user.government_id' };
const OTHER = { name: 'document.other', category: 'user.custom' };

/** What an audit record says, without its ids, times and signatures. */
const summary = (e: AuditEventV1) => ({
  action: e.action,
  resource: e.resource,
  outcome: e.outcome,
  ...(e.reason ? { reason: e.reason } : {}),
});

describe('documents (use cases on a real database)', () => {
  let td: UseCaseHarness;
  beforeAll(async () => {
    td = await startTenantData();
  });
  afterAll(async () => {
    await td?.stop();
  });

  /** Whether the first encrypted segment of a document (or upload) is in the blob store. */
  const stored = (caller: Caller, id: string) => td.get(DocumentBlobs).segmentExists(caller.tenantId, id, 0);

  /** A customer of the caller's tenant, made by someone else (the caller's audit trail holds only documents). */
  const customerOf = async (caller: Caller) =>
    (await td.call(CustomerOps.create, { name: 'Rohit Verma' }, td.callerIn(caller.tenantId, ['owner']))).id;

  /** An upload of `file` in one chunk, left uncommitted. */
  const staged = async (
    caller: Caller,
    customerId: string,
    file: Buffer,
    kind: 'government_id' | 'other' = 'other',
  ) => {
    const { uploadId } = await td.call(DocumentOps.beginUpload, { customerId, kind }, caller);
    await td.call(DocumentOps.uploadChunk, { uploadId, index: 0, data: file.toString('base64') }, caller);
    return uploadId;
  };

  const uploaded = async (caller: Caller, customerId: string, file: Buffer, kind: 'government_id' | 'other') => {
    const uploadId = await staged(caller, customerId, file, kind);
    return td.call(DocumentOps.commitUpload, { uploadId, chunks: 1, size: file.length }, caller);
  };

  /** An API key of the tenant allowed documents but not sensitive categories (no tenant role lacks them). */
  const keyWithoutSensitive = (tenantId: string) =>
    td.callerIn(tenantId, ['owner'], { actorType: 'api_key', scopes: ['documents:read', 'documents:write'] });

  it('uploads, lists, downloads and deletes a document, each access audited', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const file = samplePdf('Aadhaar', Buffer.alloc(3000, 1));
    const begun = await td.call(
      DocumentOps.beginUpload,
      { customerId, kind: 'government_id', name: 'Aadhaar.pdf', declaredSize: file.length },
      owner,
    );
    expect(begun).toEqual({ uploadId: expect.any(String), chunkBytes: 256 * 1024, maxBytes: expect.any(Number) });
    const { uploadId } = begun;
    expect(
      await td.call(DocumentOps.uploadChunk, { uploadId, index: 0, data: file.toString('base64') }, owner),
    ).toEqual({ received: file.length });
    const doc = await td.call(DocumentOps.commitUpload, { uploadId, chunks: 1, size: file.length }, owner);
    expect(doc).toEqual({
      id: uploadId,
      customerId,
      kind: 'government_id',
      mediaType: 'application/pdf',
      size: file.length,
      name: 'Aadhaar.pdf',
      createdBy: owner.actorId,
      createdAt: expect.any(String),
    });
    expect(await stored(owner, doc.id)).toBe(true);
    expect(await td.call(DocumentOps.list, { id: customerId }, owner)).toEqual({ items: [doc], nextCursor: null });
    expect(await td.call(DocumentOps.beginDownload, { id: doc.id }, owner)).toEqual({ ...doc, chunks: 1 });
    const chunk = await td.call(DocumentOps.downloadChunk, { id: doc.id, index: 0 }, owner);
    expect(Buffer.from(chunk.data, 'base64').equals(file)).toBe(true);
    expect(await td.call(DocumentOps.delete, { id: doc.id }, owner)).toEqual({ id: doc.id, deleted: true });
    expect(await stored(owner, doc.id)).toBe(false);
    await expect(td.call(DocumentOps.beginDownload, { id: doc.id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await td.call(DocumentOps.list, { id: customerId }, owner)).items).toEqual([]);

    const audited = await td.auditRecords(owner.ctx.requestId);
    // Begin and chunks record nothing (nothing exists yet, and the read is recorded once, when a download begins).
    expect(audited.map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: doc.id }, outcome: 'allowed' },
      { action: 'list', resource: { type: 'document', id: null }, outcome: 'allowed' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'allowed' },
      { action: 'delete', resource: { type: 'document', id: doc.id }, outcome: 'allowed' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'not_found' },
      { action: 'list', resource: { type: 'document', id: null }, outcome: 'allowed' },
    ]);
    for (const e of audited.slice(0, 4)) expect(e).toMatchObject({ subjectIds: [customerId], fields: [GOVERNMENT_ID] });
    expect(audited[5]).toMatchObject({ subjectIds: [customerId], fields: [] });
  });

  it('refuses a role without document permissions, audited against documents, and keeps nothing', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const doc = await uploaded(owner, customerId, samplePdf(), 'other');
    const viewer = td.callerIn(owner.tenantId, ['viewer']);
    const refusals = [
      () => td.call(DocumentOps.beginUpload, { customerId, kind: 'other' }, viewer),
      () => td.call(DocumentOps.list, { id: customerId }, viewer),
      () => td.call(DocumentOps.beginDownload, { id: doc.id }, viewer),
      () => td.call(DocumentOps.downloadChunk, { id: doc.id, index: 0 }, viewer),
      () => td.call(DocumentOps.delete, { id: doc.id }, viewer),
    ];
    for (const refused of refusals) await expect(refused()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A list names the customer in its request, not a document: the refusal names no document.
    expect((await td.auditRecords(viewer.ctx.requestId)).map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: null }, outcome: 'denied', reason: 'forbidden' },
      { action: 'list', resource: { type: 'document', id: null }, outcome: 'denied', reason: 'forbidden' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'forbidden' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'forbidden' },
      { action: 'delete', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'forbidden' },
    ]);
    expect((await td.call(DocumentOps.list, { id: customerId }, owner)).items).toEqual([doc]);
  });

  it('answers 404 to another tenant for its customer and its document, each attempt audited as denied', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const doc = await uploaded(owner, customerId, samplePdf(), 'other');
    const stranger = td.tenantCaller(['owner']);
    const attempts = [
      () => td.call(DocumentOps.beginUpload, { customerId, kind: 'other' }, stranger),
      () => td.call(DocumentOps.list, { id: customerId }, stranger),
      () => td.call(DocumentOps.beginDownload, { id: doc.id }, stranger),
      () => td.call(DocumentOps.downloadChunk, { id: doc.id, index: 0 }, stranger),
      () => td.call(DocumentOps.delete, { id: doc.id }, stranger),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const audited = await td.auditRecords(stranger.ctx.requestId);
    expect(audited.map(summary)).toEqual([
      { action: 'create', resource: { type: 'customer', id: customerId }, outcome: 'denied', reason: 'not_found' },
      { action: 'list', resource: { type: 'customer', id: customerId }, outcome: 'denied', reason: 'not_found' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'not_found' },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'not_found' },
      { action: 'delete', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'not_found' },
    ]);
    for (const e of audited) expect(e.subjectIds).toEqual([]);
    expect(await td.call(DocumentOps.beginDownload, { id: doc.id }, owner)).toMatchObject({ id: doc.id });
  });

  it('refuses a government ID to a caller without sensitive categories, audited, and leaves it in place', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const doc = await uploaded(owner, customerId, samplePdf('passport'), 'government_id');
    const key = keyWithoutSensitive(owner.tenantId);
    const refusals = [
      () => td.call(DocumentOps.beginUpload, { customerId, kind: 'government_id' }, key),
      () => td.call(DocumentOps.beginDownload, { id: doc.id }, key),
      () => td.call(DocumentOps.downloadChunk, { id: doc.id, index: 0 }, key),
      () => td.call(DocumentOps.delete, { id: doc.id }, key),
    ];
    for (const refused of refusals)
      await expect(refused()).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: 'this role may not handle government ID documents',
      });
    // The list leaves it out rather than refusing.
    expect(await td.call(DocumentOps.list, { id: customerId }, key)).toEqual({ items: [], nextCursor: null });
    const audited = await td.auditRecords(key.ctx.requestId);
    expect(audited.map(summary)).toEqual([
      {
        action: 'create',
        resource: { type: 'customer', id: customerId },
        outcome: 'denied',
        reason: 'forbidden_category',
      },
      { action: 'read', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'forbidden_category' },
      { action: 'delete', resource: { type: 'document', id: doc.id }, outcome: 'denied', reason: 'forbidden_category' },
      { action: 'list', resource: { type: 'document', id: null }, outcome: 'allowed' },
    ]);
    expect(audited[1]).toMatchObject({ subjectIds: [customerId], fields: [GOVERNMENT_ID] });
    expect(await td.call(DocumentOps.beginDownload, { id: doc.id }, owner)).toMatchObject({ id: doc.id });
  });

  it('ends an upload whose content is not a document type we accept, audited, with nothing left', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const { uploadId } = await td.call(DocumentOps.beginUpload, { customerId, kind: 'other' }, owner);
    const text = Buffer.from('just some text, named passport.pdf\n');
    await expect(
      td.call(DocumentOps.uploadChunk, { uploadId, index: 0, data: text.toString('base64') }, owner),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', reason: 'DOCUMENT_TYPE_UNSUPPORTED' });
    expect(await stored(owner, uploadId)).toBe(false);
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId, chunks: 1, size: text.length }, owner),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'DOCUMENT_UPLOAD_NOT_FOUND' });
    expect((await td.auditRecords(owner.ctx.requestId)).map(summary)).toEqual([
      {
        action: 'create',
        resource: { type: 'document', id: uploadId },
        outcome: 'denied',
        reason: 'unsupported_media_type',
      },
      { action: 'create', resource: { type: 'document', id: uploadId }, outcome: 'denied', reason: 'not_found' },
    ]);
    expect((await td.call(DocumentOps.list, { id: customerId }, owner)).items).toEqual([]);
  });

  it('refuses a commit of an incomplete upload and drops it, and a commit of another person’s upload', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const file = samplePdf();
    const mine = await staged(owner, customerId, file);
    expect(await stored(owner, mine)).toBe(true);
    const colleague = td.callerIn(owner.tenantId, ['staff']);
    // An upload is bound to the person who began it.
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId: mine, chunks: 1, size: file.length }, colleague),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId: mine, chunks: 2, size: file.length }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'DOCUMENT_UPLOAD_INCOMPLETE' });
    expect(await stored(owner, mine)).toBe(false);
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId: mine, chunks: 1, size: file.length }, owner),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await td.auditRecords(colleague.ctx.requestId)).map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: mine }, outcome: 'denied', reason: 'not_found' },
    ]);
    expect((await td.auditRecords(owner.ctx.requestId)).map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: mine }, outcome: 'error', reason: 'upload_incomplete' },
      { action: 'create', resource: { type: 'document', id: mine }, outcome: 'denied', reason: 'not_found' },
    ]);
    expect((await td.call(DocumentOps.list, { id: customerId }, owner)).items).toEqual([]);
  });

  it('aborts an upload (row and chunks gone, audited), but not another person’s', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const file = samplePdf();
    const uploadId = await staged(owner, customerId, file);
    const colleague = td.callerIn(owner.tenantId, ['staff']);
    await expect(td.call(DocumentOps.abortUpload, { uploadId }, colleague)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await stored(owner, uploadId)).toBe(true);
    expect(await td.call(DocumentOps.abortUpload, { uploadId }, owner)).toEqual({ aborted: true });
    expect(await stored(owner, uploadId)).toBe(false);
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId, chunks: 1, size: file.length }, owner),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await td.auditRecords(colleague.ctx.requestId)).map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: uploadId }, outcome: 'denied', reason: 'not_found' },
    ]);
    const audited = await td.auditRecords(owner.ctx.requestId);
    expect(audited.map(summary)).toEqual([
      { action: 'create', resource: { type: 'document', id: uploadId }, outcome: 'error', reason: 'upload_aborted' },
      { action: 'create', resource: { type: 'document', id: uploadId }, outcome: 'denied', reason: 'not_found' },
    ]);
    expect(audited[0]).toMatchObject({ subjectIds: [customerId], fields: [OTHER] });
  });

  it('sweeps abandoned uploads of tenants with segments in any round, and of the others on a full pass', async () => {
    const owner = td.tenantCaller(['owner']);
    const withSegment = await staged(owner, await customerOf(owner), samplePdf());
    // Another tenant whose only upload never wrote a segment (a row, no data).
    const other = td.tenantCaller(['owner']);
    const { uploadId: withoutSegment } = await td.call(
      DocumentOps.beginUpload,
      { customerId: await customerOf(other), kind: 'other' },
      other,
    );
    const pending = async (caller: Caller, id: string) =>
      (
        await inTenantTransaction(td.app.get(Database).em(), caller.tenantId, (tx) =>
          tx.execute(`select id from tenant_data.documents where id = ? and status = 'pending'`, [id]),
        )
      ).length === 1;
    // Past any upload timeout (at most a day).
    const later = new Date(Date.now() + 2 * 86_400_000);
    const sweeper = td.get(DocumentSweeper);

    const round = await sweeper.sweep(later, { everyTenant: false });
    expect(round.failed).toBe(0);
    expect(await stored(owner, withSegment)).toBe(false);
    expect(await pending(owner, withSegment)).toBe(false);
    // A round visits only the tenants with segments in the store.
    expect(await pending(other, withoutSegment)).toBe(true);

    const full = await sweeper.sweep(later);
    expect(full.failed).toBe(0);
    expect(await pending(other, withoutSegment)).toBe(false);
    await expect(
      td.call(DocumentOps.commitUpload, { uploadId: withoutSegment, chunks: 1, size: 100 }, other),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a chunk past the end of a document and a declared size over the limit', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const doc = await uploaded(owner, customerId, samplePdf(), 'other');
    await expect(td.call(DocumentOps.downloadChunk, { id: doc.id, index: 1 }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'DOCUMENT_CHUNK_OUT_OF_RANGE',
      message: 'the document has 1 chunks',
    });
    const { maxBytes } = await td.call(DocumentOps.beginUpload, { customerId, kind: 'other' }, owner);
    await expect(
      td.call(DocumentOps.beginUpload, { customerId, kind: 'other', declaredSize: maxBytes + 1 }, owner),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes } });
  });

  it('deletes a customer’s documents (rows and bytes) with the customer, each deletion audited', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const doc = await uploaded(owner, customerId, samplePdf(), 'government_id');
    const remover = td.callerIn(owner.tenantId, ['owner']);
    await td.call(CustomerOps.delete, { id: customerId }, remover);
    expect(await stored(owner, doc.id)).toBe(false);
    await expect(td.call(DocumentOps.beginDownload, { id: doc.id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const audited = await td.auditRecords(remover.ctx.requestId);
    expect(audited.map(summary)).toEqual([
      { action: 'delete', resource: { type: 'document', id: doc.id }, outcome: 'allowed' },
      { action: 'delete', resource: { type: 'customer', id: customerId }, outcome: 'allowed' },
    ]);
    expect(audited[0]).toMatchObject({ subjectIds: [customerId], fields: [GOVERNMENT_ID] });
  });

  it('pages a customer’s documents newest first with a cursor', async () => {
    const owner = td.tenantCaller(['owner']);
    const customerId = await customerOf(owner);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.unshift((await uploaded(owner, customerId, samplePdf(`doc ${i}`), 'other')).id);
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await td.call(DocumentOps.list, { id: customerId, limit: 2, cursor }, owner);
      walked.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && walked.length < 10);
    expect(walked).toEqual(ids);
  });
});
