import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldCipher } from '@lekha/crypto';
import { LocalFolderBlobStore, assertBlobKey } from './blob-store.js';
import { DocumentBlobs } from './document-blobs.js';
import { sniffMediaType } from './media-type.js';
import { samplePdf, samplePng, sampleWebp } from '@lekha/testing';
import type { DocumentMediaType } from '@lekha/contracts';
import { DocumentInspector } from './document-structure.js';

describe('sniffMediaType', () => {
  it('knows PDF, PNG, JPEG and WebP by their magic bytes', () => {
    expect(sniffMediaType(Buffer.from('%PDF-1.7\n...'))).toBe('application/pdf');
    expect(sniffMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('refuses everything else, whatever it is called', () => {
    expect(sniffMediaType(Buffer.from('hello.pdf'))).toBeNull();
    expect(sniffMediaType(Buffer.from('MZ\x90\0', 'latin1'))).toBeNull();
    expect(sniffMediaType(Buffer.from('RIFF\x10\0\0\0WAVEfmt ', 'latin1'))).toBeNull();
    expect(sniffMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffMediaType(Buffer.alloc(0))).toBeNull();
  });
});

/** The inspector's verdict on a file handed over in segments of `segment` bytes. */
function inspect(mediaType: DocumentMediaType, file: Buffer, segment = 7): string | null {
  const inspector = new DocumentInspector(mediaType);
  for (let i = 0; i < file.length; i += segment) inspector.push(file.subarray(i, i + segment));
  return inspector.verdict();
}

describe('DocumentInspector (structure beyond the magic bytes)', () => {
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x04, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    Buffer.from([0xff, 0xd9]),
  ]);

  it('accepts well-formed PDF, PNG, JPEG and WebP files, read in any segmentation', () => {
    for (const segment of [1, 7, 4096]) {
      expect(inspect('application/pdf', samplePdf('Rent agreement'), segment)).toBeNull();
      expect(inspect('image/png', samplePng('scan'), segment)).toBeNull();
      expect(inspect('image/jpeg', jpeg, segment)).toBeNull();
      expect(inspect('image/webp', sampleWebp('photo'), segment)).toBeNull();
    }
  });

  it('security #14: refuses polyglots that carry HTML or script after a valid header', () => {
    const html = '<html><body><script>fetch("/v1/customers")</script></body></html>';
    expect(inspect('application/pdf', Buffer.from(`%PDF-1.7\n${html}\n`))).toBe('active_content');
    expect(inspect('application/pdf', samplePdf(html))).toBe('active_content');
    expect(inspect('application/pdf', samplePdf('x', Buffer.from('<!DOCTYPE html><p>hi')))).toBe('active_content');
    expect(inspect('image/png', Buffer.concat([samplePng('scan'), Buffer.from(html)]))).toBe('active_content');
    const script = Buffer.from('<SCRIPT >alert(1)</script>');
    expect(inspect('image/jpeg', Buffer.concat([jpeg.subarray(0, 20), script, jpeg.subarray(20)]))).toBe(
      'active_content',
    );
    // A marker split across two segments is still found.
    expect(inspect('image/png', samplePng('<scr' + 'ipt>'), 4)).toBe('active_content');
  });

  it('security #14: refuses files whose structure does not match their magic bytes', () => {
    // A PDF header over anything: no cross-reference table, no trailer.
    expect(inspect('application/pdf', Buffer.from('%PDF-1.7\njust text\n'))).toBe('malformed_document');
    expect(inspect('application/pdf', Buffer.from('%PDF-1.7\nxref\n0 1\n%%EOF\n'))).toBe('malformed_document');
    expect(inspect('application/pdf', Buffer.concat([samplePdf(), Buffer.alloc(2048, 'x')]))).toBe(
      'malformed_document',
    );
    const pdf = samplePdf();
    const noXref = Buffer.from(pdf.toString('latin1').replace(/\nxref\n/, '\nxxxx\n'), 'latin1');
    expect(inspect('application/pdf', noXref)).toBe('malformed_document');
    // Images whose header does not decode, or with bytes after the end.
    expect(inspect('image/png', Buffer.concat([samplePng().subarray(0, 8), Buffer.alloc(64, 1)]))).toBe(
      'malformed_document',
    );
    expect(inspect('image/png', samplePng('x', Buffer.alloc(0), { width: 0, height: 3 }))).toBe('malformed_document');
    expect(inspect('image/png', Buffer.concat([samplePng(), Buffer.from('trailing')]))).toBe('malformed_document');
    expect(inspect('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toBe('malformed_document');
    expect(inspect('image/webp', Buffer.concat([sampleWebp(), Buffer.alloc(2)]))).toBe('malformed_document');
    const webp = sampleWebp();
    webp[23] = 0;
    expect(inspect('image/webp', webp)).toBe('malformed_document');
  });
});

describe('LocalFolderBlobStore', () => {
  let root: string;
  let store: LocalFolderBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lekha-blob-spec-'));
    store = new LocalFolderBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('puts, gets, lists and deletes by key, tidying empty folders', async () => {
    await store.put('documents/t1/d1/0', Buffer.from('a'));
    await store.put('documents/t1/d1/1', Buffer.from('b'));
    expect((await store.get('documents/t1/d1/1'))?.toString()).toBe('b');
    expect(await store.exists('documents/t1/d1/0')).toBe(true);
    expect((await store.list('documents')).map((e) => e.key).sort()).toEqual([
      'documents/t1/d1/0',
      'documents/t1/d1/1',
    ]);
    await store.delete('documents/t1/d1/0');
    await store.delete('documents/t1/d1/1');
    await store.delete('documents/t1/d1/1');
    expect(await store.get('documents/t1/d1/1')).toBeNull();
    expect(await store.exists('documents/t1/d1/0')).toBe(false);
    expect((await readdir(root)).filter((n) => n !== '.tmp')).toEqual([]);
  });

  it('lists while the same blobs are deleted (erased as the sweeper runs): no error, only what is left', async () => {
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 30 }, (_, i) => `documents/t1/d${round}/${i}`);
      for (const key of keys) await store.put(key, Buffer.from('x'));
      const deleting = Promise.all(keys.map((key) => store.delete(key)));
      const listed = await store.list(`documents/t1/d${round}`);
      await deleting;
      for (const entry of listed) expect(keys).toContain(entry.key);
      expect(await store.list(`documents/t1/d${round}`)).toEqual([]);
    }
  });

  it('replaces a blob whole, leaving no temporary file behind', async () => {
    await store.put('k/1', Buffer.from('old'));
    await store.put('k/1', Buffer.from('new'));
    expect(await readFile(join(root, 'k', '1'), 'utf8')).toBe('new');
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('refuses keys that could leave the folder or name a file', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a/./b', 'a//b', 'A/b', 'x.pdf', '', 'a/b\0', '.tmp/x']) {
      expect(() => assertBlobKey(key)).toThrow('invalid key');
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow('invalid key');
      await expect(store.get(key)).rejects.toThrow('invalid key');
    }
  });

  it('sweeps temporary files a crash left behind, once they are old', async () => {
    await store.put('k/1', Buffer.from('x'));
    const { writeFile } = await import('node:fs/promises');
    const stale = join(root, '.tmp', 'stale');
    await writeFile(stale, 'partial');
    await utimes(stale, new Date(0), new Date(0));
    await writeFile(join(root, '.tmp', 'fresh'), 'in progress');
    expect(await store.sweepTemporary(new Date(Date.now() - 60_000))).toBe(1);
    expect(await readdir(join(root, '.tmp'))).toEqual(['fresh']);
  });
});

describe('DocumentBlobs', () => {
  it('stores segments encrypted and bound to tenant, document and position', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lekha-blob-spec-'));
    try {
      const store = new LocalFolderBlobStore(root);
      const blobs = new DocumentBlobs(store);
      const cipher = new FieldCipher({
        versions: [{ version: 1, key: Buffer.alloc(32, 7), activeFrom: new Date(0) }],
        indexKey: Buffer.alloc(32, 8),
      });
      const t = '01a203f6-451c-7c6e-a0c9-c287d76f6a77';
      const d = '01a203f6-4a77-72be-84bb-3135532606e4';
      await blobs.putSegment(cipher, t, d, 0, Buffer.from('%PDF-secret marker'));
      await blobs.putSegment(cipher, t, d, 1, Buffer.from('second part'));
      const raw = await store.get(DocumentBlobs.segmentKey(t, d, 0));
      expect(raw!.includes(Buffer.from('secret marker'))).toBe(false);
      expect((await blobs.getSegment(cipher, t, d, 0)).toString()).toBe('%PDF-secret marker');
      // A segment moved to another position does not decrypt.
      await store.put(DocumentBlobs.segmentKey(t, d, 1), raw!);
      await expect(blobs.getSegment(cipher, t, d, 1)).rejects.toThrow();
      await blobs.deleteAll(t, [d]);
      expect(await store.list('documents')).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
