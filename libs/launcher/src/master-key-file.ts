import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** For local runs only: a master key generated once into the (git-ignored) data folder. */
export async function ensureMasterKeyFile(path: string): Promise<string> {
  if (!existsSync(path)) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      },
    );
  }
  return path;
}

/** For local runs only: the platform bus key (seals RPC payloads), generated once like the master key. */
export function ensureBusKeyFile(path: string): Promise<string> {
  return ensureMasterKeyFile(path);
}
