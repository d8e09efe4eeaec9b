import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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

/** Loads the template into `dataDir` when it holds no cluster yet (a directory in use is left alone). */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const template = new Blob([await readFile(await ensurePgliteTemplate())]);
  const pg = await PGlite.create({ dataDir, loadDataDir: template });
  await pg.close();
}
