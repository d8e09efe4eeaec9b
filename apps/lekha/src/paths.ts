import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs from apps/lekha/dist/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const dataDir = () => resolve(process.env.LEKHA_DATA_DIR ?? join(ROOT, '.data'));
