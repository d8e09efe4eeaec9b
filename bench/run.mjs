#!/usr/bin/env node
// Runs every benchmark under bench/ in turn (each prints its own figures and baseline).
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const dir of readdirSync(here, { withFileTypes: true })) {
  if (!dir.isDirectory() || (only && dir.name !== only)) continue;
  const script = join(here, dir.name, 'bench.mjs');
  if (!existsSync(script)) continue;
  console.log(`\n## bench/${dir.name}\n`);
  const r = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
