import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSigner } from '@lekha/audit';
import { UseCaseHarness } from '@lekha/use-case-testing';
import { AppModule, SERVICE } from '../src/app.module.js';
import { complianceConfigSchema } from '../src/config/compliance.config.js';

/** Compliance's use cases in-process on a real database, no broker; the consent relay is driven by hand. */
export async function startCompliance(env: Record<string, string> = {}): Promise<UseCaseHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'lekha-compliance-keys-'));
  const trusted = join(dir, 'trusted-keys.json');
  const signer = AuditSigner.generate('compliance');
  await writeFile(trusted, JSON.stringify({ keys: [{ service: 'compliance', publicKeyPem: signer.publicKeyPem() }] }));
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'compliance',
    configSchema: complianceConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
    env: { AUDIT_TRUSTED_KEYS_FILE: trusted, CONSENT_RELAY: 'off', ...env },
  });
}
