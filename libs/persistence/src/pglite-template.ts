import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite cluster costs an `initdb` in WebAssembly (~5 s of CPU); a platform starts five of
 * them at once. The first one made on a machine is kept as a tarball (PGlite's own
 * `dumpDataDir`) and every new data directory is loaded from it (~1.5 s). The file is named by
 * PGlite's version, so an upgrade makes a new one; it lives in `node_modules/.cache`, beside the
 * package that reads it, and goes with it.
 */
export function pgliteTemplatePath(): string {
  // The package exports no package.json: walk up from its entry point to its folder.
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!existsSync(join(dir, 'package.json')) || basename(dir) !== 'pglite') {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@electric-sql/pglite: its package folder was not found');
    dir = parent;
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  // …/node_modules/@electric-sql/pglite → …/node_modules/.cache/lekha
  return join(dir, '..', '..', '.cache', 'lekha', `pglite-${version}-cluster.tar.gz`);
}

/** The template's path, made first if this machine has none (concurrent makers each write a whole file). */
export async function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return file;
  await mkdir(dirname(file), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'lekha-pglite-template-'));
  try {
    const pg = await PGlite.create({ dataDir: dir });
    const dump = await pg.dumpDataDir('gzip');
    await pg.close();
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    // A rename is atomic: a reader sees no file or a whole one.
    await rename(partial, file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return file;
}

/**
 * Loads the template into `dataDir` when it holds no cluster yet (a directory in use is left alone).
 * The template is PGlite's own dump: a gzipped ustar archive of the cluster's files, rooted at the
 * data directory. Unpacking it here costs no PGlite boot (the service's own open is the only one).
 */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const archive = gunzipSync(await readFile(await ensurePgliteTemplate()));
  const staging = await mkdtemp(join(dirname(resolve(dataDir)), `.${basename(dataDir)}-seed-`));
  try {
    await untar(archive, staging);
    // Unpacked beside the directory, then moved in: a crash leaves no half cluster behind.
    await mkdir(dataDir, { recursive: true });
    for (const entry of await readdir(staging)) await rename(join(staging, entry), join(dataDir, entry));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes the regular files and directories of a ustar archive under `into`. */
async function untar(archive: Buffer, into: string): Promise<void> {
  const text = (from: number, length: number) => {
    const raw = archive.subarray(from, from + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  };
  for (let at = 0; at + 512 <= archive.length;) {
    const name = text(at, 100);
    if (!name) break; // two zero blocks end the archive
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1) || '0';
    const prefix = text(at + 345, 155);
    const path = join(into, normalize(`${prefix ? `${prefix}/` : ''}${name}`).replace(/^(\.\.(\/|$))+/, ''));
    if (!path.startsWith(`${into}/`) && path !== into)
      throw new Error(`pglite template: entry outside its folder: ${name}`);
    const body = at + 512;
    if (type === '5') await mkdir(path, { recursive: true });
    else if (type === '0') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, archive.subarray(body, body + size));
    } else throw new Error(`pglite template: unexpected entry type ${type} for ${name}`);
    at = body + Math.ceil(size / 512) * 512;
  }
}
