#!/usr/bin/env node
// Compiles every app and lib from src/ to dist/ with SWC (ESM, legacy decorators + metadata for Nest).
// Type checking is separate (`npm run typecheck`), so a build takes a second or two, not a minute.
import { transformFile } from '@swc/core';
import { readdir, readFile, mkdir, writeFile, stat, rm } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
const clean = process.argv.includes('--clean');

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(p)) yield p;
  }
}

async function mtime(p) {
  try {
    return (await stat(p)).mtimeMs;
  } catch {
    return 0;
  }
}

let built = 0;
let skipped = 0;
let removed = 0;
const started = Date.now();
for (const group of ['libs', 'apps']) {
  for (const project of await readdir(join(root, group))) {
    const src = join(root, group, project, 'src');
    const dist = join(root, group, project, 'dist');
    if (!(await mtime(src))) continue;
    if (clean) await rm(dist, { recursive: true, force: true });
    const jobs = [];
    for await (const file of walk(src)) {
      const out = join(dist, relative(src, file)).replace(/\.ts$/, '.js');
      if ((await mtime(out)) >= (await mtime(file))) {
        skipped++;
        continue;
      }
      jobs.push(
        (async () => {
          const { code, map } = await transformFile(file, {
            ...swcrc,
            swcrc: false,
            filename: file,
            sourceFileName: relative(dirname(out), file),
          });
          await mkdir(dirname(out), { recursive: true });
          await writeFile(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
          if (map) await writeFile(`${out}.map`, map);
          built++;
        })(),
      );
    }
    await Promise.all(jobs);
    removed += await removeOrphans(dist, src);
  }
}
const removedNote = removed ? `, ${removed} removed` : '';
console.log(`build: ${built} compiled, ${skipped} up to date${removedNote} (${Date.now() - started} ms)`);

/** Deletes compiled files whose source is gone (a deleted migration must not linger in dist/). */
async function removeOrphans(dist, src) {
  let count = 0;
  let entries;
  try {
    entries = await readdir(dist, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const out = join(dist, entry.name);
    if (entry.isDirectory()) {
      count += await removeOrphans(out, join(src, entry.name));
      if ((await readdir(out)).length === 0) await rm(out, { recursive: true, force: true });
      continue;
    }
    const base = entry.name.replace(/\.js\.map$|\.js$/, '');
    if (base === entry.name) continue;
    if (!(await mtime(join(src, `${base}.ts`)))) {
      await rm(out, { force: true });
      count++;
    }
  }
  return count;
}
