import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The local platform admin's email when PLATFORM_ADMIN_EMAIL is not set. */
export const LOCAL_PLATFORM_ADMIN_EMAIL = 'admin@lekha.local';

/**
 * For local runs only: the first platform admin's password, generated once into the (git-ignored)
 * data folder and handed to identity as PLATFORM_ADMIN_PASSWORD_FILE (never on a command line).
 */
export async function ensurePlatformAdminPasswordFile(path: string): Promise<{ path: string; created: boolean }> {
  if (existsSync(path)) return { path, created: false };
  await mkdir(dirname(path), { recursive: true });
  let created = true;
  await writeFile(path, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      created = false;
    },
  );
  return { path, created };
}
