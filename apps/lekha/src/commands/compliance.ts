import { readFile } from 'node:fs/promises';
import { verifyDeletionCertificate } from '@lekha/contracts';
import { parseFlags } from '../flags.js';

const USAGE =
  'usage: lekha compliance verify-certificate FILE [--key BASE64 | --key-file F] [--json]\n' +
  '  FILE: a deletion certificate (JSON) as GET /v1/platform/retention/runs/:id/certificate answers it;\n' +
  '  --key: the Ed25519 public key compliance publishes (GET /v1/platform/retention/certificate-key), to pin\n';

/**
 * `lekha compliance verify-certificate FILE`: checks a deletion certificate offline (no platform, no
 * network) with the same verifier compliance signs against. Exit 0 when valid; 1 with the reason when not.
 */
export async function complianceCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify-certificate') {
    process.stderr.write(USAGE);
    return 2;
  }
  const file = rest.find((a, i) => !a.startsWith('--') && !(i > 0 && /^--(key|key-file)$/.test(rest[i - 1]!)));
  const flags = parseFlags(rest);
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  let key: Buffer | undefined;
  if (typeof flags.key === 'string') key = Buffer.from(flags.key, 'base64');
  else if (typeof flags['key-file'] === 'string')
    key = Buffer.from((await readFile(flags['key-file'], 'utf8')).trim(), 'base64');
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const verdict = verifyDeletionCertificate(input, key);
  if (flags.json) process.stdout.write(`${JSON.stringify(verdict.valid ? { valid: true } : verdict)}\n`);
  else if (verdict.valid) {
    const c = verdict.certificate;
    const subject = c.subject.kind === 'tenant' ? `tenant ${c.subject.tenantId}` : `principal ${c.subject.customerId}`;
    process.stdout.write(
      `valid: ${subject} erased by ${c.services.map((s) => s.service).join(', ')}; completed ${c.completedAt}; ` +
        `signed by ${c.signature.kid}${key ? ' (pinned)' : ' (key not pinned: pass --key to pin it)'}\n`,
    );
  } else process.stderr.write(`invalid: ${verdict.reason}\n`);
  return verdict.valid ? 0 : 1;
}
