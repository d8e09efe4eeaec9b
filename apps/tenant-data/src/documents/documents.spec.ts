import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldCipher } from '@lekha/crypto';
import { LocalFolderBlobStore, assertBlobKey } from './blob-store.js';
import { DocumentBlobs } from './document-blobs.js';
import { sniffMediaType } from './media-type.js';

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
    expect((await store.list('documents')).map((e) => e.key).sort()).toEqual(['documents/t1/d1/0', 'documents/t1/d1/1']);
    await store.delete('documents/t1/d1/0');
    await store.delete('documents/t1/d1/1');
    await store.delete('documents/t1/d1/1');
    expect(await store.get('documents/t1/d1/1')).toBeNull();
    expect(await store.exists('documents/t1/d1/0')).toBe(false);
    expect((await readdir(root)).filter((n) => n !== '.tmp')).toEqual([]);
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
      const cipher = new FieldCipher({ versions: [{ version: 1, key: Buffer.alloc(32, 7), activeFrom: new Date(0) }], indexKey: Buffer.alloc(32, 8) });
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
