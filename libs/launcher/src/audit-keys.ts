import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVICE_NAMES } from './services.js';

export interface AuditKeyFiles {
  /** Per service: its private signing key (PKCS#8 PEM). */
  signingKeyFile: (service: string) => string;
  /** The registered services' public keys, for compliance and `lekha audit verify`. */
  trustedKeysFile: string;
}

/**
 * For local runs and tests: one Ed25519 signing key per service, generated once into `dir`, and
 * the list of their public keys. In production each service's key comes from a secret store and
 * the trusted list is provisioned by operations.
 */
export async function ensureAuditKeys(dir: string): Promise<AuditKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keys: { service: string; publicKeyPem: string }[] = [];
  for (const service of SERVICE_NAMES) {
    const file = join(dir, `${service}.pem`);
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      await writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    }
    keys.push({
      service,
      publicKeyPem: createPublicKey(await readFile(file, 'utf8'))
        .export({ format: 'pem', type: 'spki' })
        .toString(),
    });
  }
  const trustedKeysFile = join(dir, 'trusted-keys.json');
  await writeFile(trustedKeysFile, `${JSON.stringify({ keys }, null, 2)}\n`);
  return { signingKeyFile: (service) => join(dir, `${service}.pem`), trustedKeysFile };
}
