import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface BlobEntry {
  key: string;
  modifiedAt: Date;
}

/**
 * Where encrypted document bytes live. Use cases see only this port: a local folder by default,
 * an S3-compatible store later, without touching them. Keys are opaque ids made by the service
 * (`documents/<tenant>/<document>/<segment>`), never names from users. Callers hand over
 * ciphertext only; a store never sees plaintext.
 */
export abstract class BlobStore {
  /** Writes all or nothing: a reader never sees a partial blob. */
  abstract put(key: string, data: Buffer): Promise<void>;
  /** The blob, or null when there is none. */
  abstract get(key: string): Promise<Buffer | null>;
  abstract exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing blob is not an error. */
  abstract delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix/` (for sweeps), in no particular order. */
  abstract list(prefix: string): Promise<BlobEntry[]>;
}

const SEGMENT = '[a-z0-9][a-z0-9-]{0,63}';
const KEY = new RegExp(`^${SEGMENT}(/${SEGMENT}){0,5}$`);

/** Keys are lower-case letters, digits and dashes in at most six `/`-separated segments: no `.`, no `..`. */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new Error('blob store: invalid key');
}

/**
 * A folder on local disk. Writes go to a temporary file in `<root>/.tmp` and are renamed into
 * place after an fsync, so a crash leaves either the old state or the whole new blob.
 */
export class LocalFolderBlobStore extends BlobStore {
  private readonly root: string;
  private readonly tmp: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
    this.tmp = join(this.root, '.tmp');
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const path = resolve(this.root, ...key.split('/'));
    const rel = relative(this.root, path);
    // Belt and braces: the key pattern already rules out traversal.
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new Error('blob store: invalid key');
    return path;
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.tmp, { recursive: true });
    await mkdir(resolve(path, '..'), { recursive: true });
    const temp = join(this.tmp, randomUUID());
    const fh = await open(temp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(temp, path).catch(async (err: NodeJS.ErrnoException) => {
        // A concurrent delete may have tidied the (then empty) parent folder away: make it again.
        if (err.code !== 'ENOENT') throw err;
        await mkdir(resolve(path, '..'), { recursive: true });
        await rename(temp, path);
      });
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    // Tidy empty parent folders up to the root (best effort: a concurrent put may refill one).
    let dir = resolve(path, '..');
    while (dir !== this.root && dir.startsWith(this.root + sep)) {
      try {
        await rmdir(dir); // fails (and stops) on a folder that is not empty
      } catch {
        break;
      }
      dir = resolve(dir, '..');
    }
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    const out: BlobEntry[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let names;
      try {
        names = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of names) {
        const key = `${keyPrefix}/${entry.name}`;
        if (entry.isDirectory()) await walk(join(dir, entry.name), key);
        else if (entry.isFile() && KEY.test(key)) {
          // Gone since the folder was read (the sweeper or another deletion took it): not listed.
          const info = await stat(join(dir, entry.name)).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT') return null;
            throw err;
          });
          if (info) out.push({ key, modifiedAt: info.mtime });
        }
      }
    };
    await walk(this.pathOf(prefix), prefix);
    return out;
  }

  /** Temporary files older than `olderThan` that a crash left behind. */
  async sweepTemporary(olderThan: Date): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tmp);
    } catch {
      return 0;
    }
    for (const name of names) {
      const path = join(this.tmp, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtime < olderThan) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
