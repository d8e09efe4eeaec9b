import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  api,
  readAuditTopic,
  samplePdf,
  samplePng,
  sampleWebp,
  SHARED_DOCUMENTS_MAX_BYTES,
  sharedTestPlatform,
  type SharedTestPlatform,
  signupTenant,
} from '@lekha/testing';
import { RawBus } from './raw-bus.js';
import { Rpc, type BeginUploadReply, type DocumentView, type Page } from '@lekha/contracts';
import { awaitMessage } from './identity-test-helpers.js';

const MAX_BYTES = SHARED_DOCUMENTS_MAX_BYTES;
const CHUNK = 256 * 1024;

/**
 * Encrypted documents through the gateway (real broker, real database, real blob folder): upload
 * checked by content and size, chunked over the bus both ways, encrypted on disk, listed,
 * downloaded byte for byte, deleted for good (also with their customer), roles and tenant walls.
 */
describe('tenant data: documents', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  const marker = `PLAINTEXT-MARKER-${randomBytes(6).toString('hex')}`;
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let customerId: string;
  let pdf: Buffer;
  let png: Buffer;
  let pdfDoc: DocumentView;
  let pngDoc: DocumentView;
  let bigDoc: DocumentView;
  let big: Buffer;

  const upload = async (
    token: string,
    customer: string,
    kind: string,
    body: Buffer | ReadableStream<Uint8Array>,
    opts: { name?: string; contentType?: string } = {},
  ) => {
    const res = await fetch(`${tp.gatewayUrl}/v1/customers/${customer}/documents?kind=${kind}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': opts.contentType ?? 'application/octet-stream',
        ...(opts.name ? { 'x-document-name': encodeURIComponent(opts.name) } : {}),
      },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  const download = async (token: string, id: string) => {
    const res = await fetch(`${tp.gatewayUrl}/v1/documents/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  const remove = async (token: string, path: string) =>
    (await fetch(`${tp.gatewayUrl}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }))
      .status;

  /** Every file in the blob folders of this suite's tenants, with its contents (other suites share the store). */
  const blobFiles = async (): Promise<{ path: string; data: Buffer }[]> => {
    const out: { path: string; data: Buffer }[] = [];
    for (const tenantId of [a.tenantId, b.tenantId]) {
      const dir = join(tp.blobDir, 'documents', tenantId);
      for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
        if (entry.isFile()) {
          const path = join(entry.parentPath, entry.name);
          out.push({ path, data: await readFile(path) });
        }
      }
    }
    return out;
  };
  const segmentsOf = async (documentId: string) => (await blobFiles()).filter((f) => f.path.includes(documentId));

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '29' });

  beforeAll(async () => {
    // The shared platform's upload timeout (3 s) and sweep interval (1 s) are short, so that the sweep's
    // work shows within the test; its size limit is SHARED_DOCUMENTS_MAX_BYTES.
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Shanti PG', 'Kavya');
    b = await signup('Other PG', 'Deepak');
    customerId = (await http.post('/v1/customers', { name: 'Rohit Verma', phone: '+91 98450 12345' }, a.accessToken))
      .body.id;
    // Well-formed files: the service reads their structure, not only the magic bytes.
    pdf = samplePdf(marker, randomBytes(2048));
    png = samplePng(marker, randomBytes(1024));
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('uploads a PDF and a PNG, typed by content, and stores them encrypted', async () => {
    const up = await upload(a.accessToken, customerId, 'government_id', pdf, {
      name: 'Aadhaar card – Rohit.pdf',
      contentType: 'image/png',
    });
    expect(up.status).toBe(201);
    pdfDoc = up.body;
    expect(pdfDoc).toEqual({
      id: expect.any(String),
      customerId,
      kind: 'government_id',
      mediaType: 'application/pdf',
      size: pdf.length,
      name: 'Aadhaar card – Rohit.pdf',
      createdBy: a.userId,
      createdAt: expect.any(String),
    });
    const up2 = await upload(a.accessToken, customerId, 'rental_contract', png);
    expect(up2.status).toBe(201);
    pngDoc = up2.body;
    expect(pngDoc).toMatchObject({ mediaType: 'image/png', size: png.length, name: null });

    const files = await blobFiles();
    expect((await segmentsOf(pdfDoc.id)).length).toBe(1);
    expect((await segmentsOf(pngDoc.id)).length).toBe(1);
    for (const f of files) {
      expect(f.data.includes(Buffer.from(marker))).toBe(false);
      expect(f.data.includes(Buffer.from('%PDF-'))).toBe(false);
      expect(f.path).not.toMatch(/Aadhaar|\.pdf/);
    }
  });

  it('downloads each document byte for byte, as an attachment of its sniffed type', async () => {
    const got = await download(a.accessToken, pdfDoc.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(pdf)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="Aadhaar card _ Rohit.pdf"; ` +
        `filename*=UTF-8''${encodeURIComponent('Aadhaar card – Rohit.pdf')}`,
    );
    const gotPng = await download(a.accessToken, pngDoc.id);
    expect(gotPng.bytes.equals(png)).toBe(true);
    expect(gotPng.headers.get('content-type')).toBe('image/png');
    expect(gotPng.headers.get('content-disposition')).toBe(`attachment; filename="document-${pngDoc.id}.png"`);
  });

  it('reassembles a multi-chunk upload and streams it back in chunks', async () => {
    big = sampleWebp(marker, randomBytes(CHUNK * 2 + 1234));
    expect(big.length).toBeGreaterThan(2 * CHUNK);
    // Sent as a stream without Content-Length, in pieces that do not line up with the chunks.
    const pieces = [big.subarray(0, 1000), big.subarray(1000, 300_000), big.subarray(300_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const p = pieces.shift();
        if (p) c.enqueue(new Uint8Array(p));
        else c.close();
      },
    });
    const up = await upload(a.accessToken, customerId, 'other', stream, { name: 'meter photo.webp' });
    expect(up.status).toBe(201);
    bigDoc = up.body;
    expect(bigDoc).toMatchObject({ mediaType: 'image/webp', size: big.length });
    expect((await segmentsOf(bigDoc.id)).length).toBe(3);
    for (const f of await segmentsOf(bigDoc.id)) expect(f.data.includes(Buffer.from(marker))).toBe(false);
    const got = await download(a.accessToken, bigDoc.id);
    expect(got.headers.get('content-length')).toBe(String(big.length));
    expect(got.bytes.equals(big)).toBe(true);
  });

  it('refuses a renamed text file or executable with 415, whatever name or declared type; keeps nothing', async () => {
    const before = (await blobFiles()).length;
    const text = await upload(a.accessToken, customerId, 'kyc', Buffer.from(`just some text ${marker}\n`), {
      name: 'passport.pdf',
      contentType: 'application/pdf',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const exe = await upload(
      a.accessToken,
      customerId,
      'other',
      Buffer.concat([Buffer.from('MZ\x90\0'), randomBytes(300_000)]),
      { name: 'scan.png', contentType: 'image/png' },
    );
    expect(exe.status).toBe(415);
    const json = await upload(a.accessToken, customerId, 'other', Buffer.from('{"a":1}'), {
      contentType: 'application/json',
    });
    expect(json.status).toBe(415);
    expect((await blobFiles()).length).toBe(before);
    expect((await http.get(`/v1/customers/${customerId}/documents`, a.accessToken)).body.items).toHaveLength(3);
  });

  it('refuses a document over the size limit with 413, declared or streamed, and keeps nothing', async () => {
    const before = (await blobFiles()).length;
    const tooBig = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(MAX_BYTES)]);
    const declared = await upload(a.accessToken, customerId, 'other', tooBig);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: MAX_BYTES } });
    const pieces = [tooBig.subarray(0, CHUNK + 10), tooBig.subarray(CHUNK + 10)];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const p = pieces.shift();
        if (p) c.enqueue(new Uint8Array(p));
        else c.close();
      },
    });
    const streamed = await upload(a.accessToken, customerId, 'other', stream);
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await blobFiles()).length).toBe(before);
    expect((await http.get(`/v1/customers/${customerId}/documents`, a.accessToken)).body.items).toHaveLength(3);
  });

  it('lists a customer’s documents, newest first, without their bytes', async () => {
    const res = await http.get(`/v1/customers/${customerId}/documents`, a.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: DocumentView) => d.id)).toEqual([bigDoc.id, pngDoc.id, pdfDoc.id]);
    expect(res.body.items[2]).toEqual(pdfDoc);
    expect(res.body.nextCursor).toBeNull();
    // A page at a time: the cursor walks all of them once, in order (uploads of the same second included).
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/customers/${customerId}/documents?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await http.get<Page<DocumentView>>(url, a.accessToken);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      walked.push(page.body.items[0].id);
      cursor = page.body.nextCursor;
    } while (cursor && walked.length < 10);
    expect(walked).toEqual([bigDoc.id, pngDoc.id, pdfDoc.id]);
    const badCursor = await http.get(`/v1/customers/${customerId}/documents?cursor=not-ours`, a.accessToken);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details).toEqual([{ path: 'cursor', message: 'not a cursor from this API' }]);
    const badLimit = await http.get(`/v1/customers/${customerId}/documents?limit=0`, a.accessToken);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.details.map((d: { path: string }) => d.path)).toContain('limit');
    const spec = await http.get('/docs/openapi.json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/v1/customers/{id}/documents', '/v1/documents/{id}']),
    );
    expect(Object.keys(spec.body.paths['/v1/customers/{id}/documents'].post.requestBody.content)).toContain(
      'application/pdf',
    );
  });

  it('answers 404 to another tenant on download, list and delete, and audits the attempts as denied', async () => {
    expect((await download(b.accessToken, pdfDoc.id)).status).toBe(404);
    const list = await http.get(`/v1/customers/${customerId}/documents`, b.accessToken);
    expect(list.status).toBe(404);
    expect(await remove(b.accessToken, `/v1/documents/${pdfDoc.id}`)).toBe(404);
    expect((await upload(b.accessToken, customerId, 'other', pdf)).status).toBe(404);
    expect((await download(a.accessToken, pdfDoc.id)).bytes.equals(pdf)).toBe(true);
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.filter((e) => e.tenantId === b.tenantId && e.outcome === 'denied' && e.reason === 'not_found').length >= 4,
    );
    const denied = events.filter(
      (e) => e.tenantId === b.tenantId && e.outcome === 'denied' && e.reason === 'not_found',
    );
    expect(denied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'read', resource: { type: 'document', id: pdfDoc.id }, subjectIds: [] }),
        expect.objectContaining({ action: 'delete', resource: { type: 'document', id: pdfDoc.id } }),
        expect.objectContaining({ action: 'list', resource: { type: 'customer', id: customerId } }),
        expect.objectContaining({ action: 'create', resource: { type: 'customer', id: customerId } }),
      ]),
    );
  });

  it('refuses a viewer (no document permissions) with 403, audited', async () => {
    const email = `viewer.${stamp}@example.in`;
    expect((await http.post('/v1/users/invitations', { email, role: 'viewer' }, a.accessToken)).status).toBe(201);
    const token = /token is (\S+)/.exec(await awaitMessage(tp.gatewayUrl, email, (_b, p) => p === 'invitation'))![1]!;
    const viewer = (
      await http.post('/v1/auth/invitations/accept', {
        token,
        name: 'Vikram Rao',
        password: 'viewer password 12',
        ageConfirmed: true,
      })
    ).body;
    expect((await download(viewer.accessToken, pdfDoc.id)).status).toBe(403);
    expect((await http.get(`/v1/customers/${customerId}/documents`, viewer.accessToken)).status).toBe(403);
    expect((await upload(viewer.accessToken, customerId, 'other', png)).status).toBe(403);
    expect(await remove(viewer.accessToken, `/v1/documents/${pngDoc.id}`)).toBe(403);
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.filter((e) => e.actor.roles.includes('viewer') && e.resource.type === 'document' && e.outcome === 'denied')
          .length >= 4,
    );
    expect(
      events
        .filter(
          (e) =>
            e.actor.roles.includes('viewer') &&
            e.resource.type === 'document' &&
            e.outcome === 'denied' &&
            e.reason === 'forbidden',
        )
        .map((e) => e.action)
        .sort(),
    ).toEqual(['create', 'delete', 'list', 'read']);
  });

  it('records every upload and download on the audit topic, with the customer and the category', async () => {
    const expected = [
      { action: 'create', id: pdfDoc.id },
      { action: 'create', id: pngDoc.id },
      { action: 'create', id: bigDoc.id },
      { action: 'read', id: pdfDoc.id },
      { action: 'read', id: bigDoc.id },
      { action: 'list', id: null },
    ];
    // Events are spread over partitions: read until every one expected is there (or the reader times out).
    const { events, raw } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        expected.every((x) =>
          evs.some(
            (e) =>
              e.tenantId === a.tenantId &&
              e.resource.type === 'document' &&
              e.outcome === 'allowed' &&
              e.action === x.action &&
              e.resource.id === x.id,
          ),
        ) && evs.filter((e) => e.reason === 'unsupported_media_type').length >= 2,
    );
    const mine = events.filter(
      (e) => e.tenantId === a.tenantId && e.resource.type === 'document' && e.outcome === 'allowed',
    );
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'create',
          resource: { type: 'document', id: pdfDoc.id },
          subjectIds: [customerId],
          fields: [{ name: 'document.government_id', category: 'user.government_id' }],
        }),
        expect.objectContaining({
          action: 'create',
          resource: { type: 'document', id: pngDoc.id },
          subjectIds: [customerId],
          fields: [{ name: 'document.rental_contract', category: 'user.contact.address' }],
        }),
        expect.objectContaining({
          action: 'read',
          resource: { type: 'document', id: pdfDoc.id },
          subjectIds: [customerId],
          fields: [{ name: 'document.government_id', category: 'user.government_id' }],
        }),
        expect.objectContaining({
          action: 'read',
          resource: { type: 'document', id: bigDoc.id },
          subjectIds: [customerId],
        }),
        expect.objectContaining({ action: 'list', resource: { type: 'document', id: null }, subjectIds: [customerId] }),
      ]),
    );
    expect(
      events.filter(
        (e) => e.resource.type === 'document' && e.outcome === 'denied' && e.reason === 'unsupported_media_type',
      ),
    ).toHaveLength(2);
    // IDs only: nothing of the file, its name or the customer on the topic.
    expect(raw.join('\n')).not.toMatch(new RegExp(`${marker}|Aadhaar|Rohit|meter photo`));
  });

  it(
    'security #14: refuses polyglots and files unlike their magic bytes; names downloads by the sniffed type, ' +
      'without bidi or invisible characters',
    async () => {
      const other = (await http.post('/v1/customers', { name: 'Naina Joshi' }, a.accessToken)).body.id as string;
      const before = (await blobFiles()).length;
      const html = '<html><body><script>alert(document.cookie)</script></body></html>';
      const refused: [Buffer, string][] = [
        [Buffer.from(`%PDF-1.7\n${html}\n`), 'invoice.pdf'],
        [samplePdf(html), 'invoice.pdf'],
        [Buffer.concat([samplePng('scan'), Buffer.from(html)]), 'scan.png'],
        [Buffer.concat([samplePng().subarray(0, 8), Buffer.alloc(4096, 7)]), 'scan.png'],
      ];
      for (const [file, name] of refused) {
        const res = await upload(a.accessToken, other, 'other', file, { name });
        expect({ name, status: res.status, code: res.body.error?.code }).toEqual({
          name,
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        });
      }
      expect((await blobFiles()).length).toBe(before);
      expect((await http.get(`/v1/customers/${other}/documents`, a.accessToken)).body.items).toEqual([]);
      // A real PDF named `invoice<RLO>fdp.html` ("invoicelmth.pdf"): the override dropped, downloaded as .pdf.
      const up = await upload(a.accessToken, other, 'other', samplePdf('Invoice 42'), {
        name: 'invoice\u202Efdp.html',
      });
      expect(up.status).toBe(201);
      expect(up.body.name).toBe('invoicefdp.html');
      const got = await download(a.accessToken, up.body.id);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      const disposition = (name: string) => `attachment; filename="${name}"; filename*=UTF-8''${name}`;
      expect(got.headers.get('content-disposition')).toBe(disposition('invoicefdp.pdf'));
      const zeroWidth = await upload(a.accessToken, other, 'other', samplePng('id card'), {
        name: 'pass\u200Bport\u2066.html',
      });
      expect(zeroWidth.body.name).toBe('passport.html');
      const zeroWidthDownload = await download(a.accessToken, zeroWidth.body.id);
      expect(zeroWidthDownload.headers.get('content-disposition')).toBe(disposition('passport.png'));
      const structural = ['active_content', 'malformed_document'];
      const mine = (evs: { tenantId: string | null; reason?: string; outcome: string }[]) =>
        evs.filter((e) => e.tenantId === a.tenantId && e.outcome === 'denied' && structural.includes(e.reason ?? ''));
      const { events } = await readAuditTopic(tp.brokers, (evs) => mine(evs).length >= 4);
      expect(
        mine(events)
          .map((e) => e.reason)
          .sort(),
      ).toEqual(['active_content', 'active_content', 'active_content', 'malformed_document']);
    },
  );

  it('deletes a document for good: row and encrypted bytes', async () => {
    expect((await segmentsOf(pngDoc.id)).length).toBe(1);
    expect(await remove(a.accessToken, `/v1/documents/${pngDoc.id}`)).toBe(204);
    expect((await download(a.accessToken, pngDoc.id)).status).toBe(404);
    expect(await segmentsOf(pngDoc.id)).toEqual([]);
    expect(
      (await http.get(`/v1/customers/${customerId}/documents`, a.accessToken)).body.items.map(
        (d: DocumentView) => d.id,
      ),
    ).toEqual([bigDoc.id, pdfDoc.id]);
  });

  it('deletes a customer’s documents with the customer, blobs included', async () => {
    expect((await segmentsOf(pdfDoc.id)).length).toBe(1);
    expect((await segmentsOf(bigDoc.id)).length).toBe(3);
    expect(await remove(a.accessToken, `/v1/customers/${customerId}`)).toBe(204);
    expect(await segmentsOf(pdfDoc.id)).toEqual([]);
    expect(await segmentsOf(bigDoc.id)).toEqual([]);
    expect((await download(a.accessToken, pdfDoc.id)).status).toBe(404);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      [pdfDoc.id, pngDoc.id, bigDoc.id].every((id) =>
        evs.some((e) => e.action === 'delete' && e.resource.id === id && e.outcome === 'allowed'),
      ),
    );
    expect(
      events
        .filter(
          (e) =>
            e.action === 'delete' &&
            e.resource.type === 'document' &&
            e.subjectIds[0] === customerId &&
            e.outcome === 'allowed',
        )
        .map((e) => e.resource.id)
        .sort(),
    ).toEqual([pdfDoc.id, pngDoc.id, bigDoc.id].sort());
  });

  it('sweeps an abandoned upload (row and staged segments) and ciphertext left without a row', async () => {
    const bus = await RawBus.connect(tp.brokers);
    try {
      // The gateway's path minus HTTP (sealed, with the owner's token), as if it crashed after the first chunk.
      const call = async <T>(pattern: string, value: unknown) => {
        const reply = await bus.sealedRequest<T>(tp.busKey, pattern, value, {
          actorType: 'user',
          accessToken: a.accessToken,
        });
        if (!reply) throw new Error(`no reply to ${pattern}`);
        return reply;
      };
      const other = (await http.post('/v1/customers', { name: 'Leftover' }, a.accessToken)).body.id;
      const begun = await call<BeginUploadReply>(Rpc.tenantData.beginDocumentUpload, {
        customerId: other,
        kind: 'other',
      });
      if (!begun.ok) throw new Error(begun.error.message);
      const chunk = await call(Rpc.tenantData.uploadDocumentChunk, {
        uploadId: begun.data.uploadId,
        index: 0,
        data: pdf.toString('base64'),
      });
      expect(chunk.ok).toBe(true);
      expect((await segmentsOf(begun.data.uploadId)).length).toBe(1);
      // Ciphertext whose row is gone (a crash between a deletion's commit and its blob deletion).
      const orphanId = randomUUID();
      const orphanDir = join(tp.blobDir, 'documents', a.tenantId, orphanId);
      await mkdir(orphanDir, { recursive: true });
      await writeFile(join(orphanDir, '0'), randomBytes(64));
      await utimes(join(orphanDir, '0'), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

      const deadline = Date.now() + 60_000;
      while (
        Date.now() < deadline &&
        ((await segmentsOf(begun.data.uploadId)).length || (await segmentsOf(orphanId)).length)
      )
        await new Promise((r) => setTimeout(r, 250));
      expect(await segmentsOf(begun.data.uploadId)).toEqual([]);
      expect(await segmentsOf(orphanId)).toEqual([]);
      const commit = await call(Rpc.tenantData.commitDocumentUpload, {
        uploadId: begun.data.uploadId,
        chunks: 1,
        size: pdf.length,
      });
      expect(commit).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect((await http.get(`/v1/customers/${other}/documents`, a.accessToken)).body.items).toEqual([]);
      const { events } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.resource.id === begun.data.uploadId && e.reason === 'upload_abandoned'),
      );
      expect(
        events.find((e) => e.resource.id === begun.data.uploadId && e.reason === 'upload_abandoned'),
      ).toMatchObject({
        action: 'delete',
        actor: { type: 'scheduled_job' },
        subjectIds: [other],
        tenantId: a.tenantId,
      });
    } finally {
      await bus.close();
    }
  });
});
