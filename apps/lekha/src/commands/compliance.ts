import { readFile } from 'node:fs/promises';
import { platformDataMapSchema, verifyDeletionCertificate, type PlatformDataMap } from '@lekha/contracts';
import { parseFlags } from '../flags.js';

const USAGE =
  'usage: lekha compliance verify-certificate FILE [--key BASE64 | --key-file F] [--json]\n' +
  '  FILE: a deletion certificate (JSON) as GET /v1/platform/retention/runs/:id/certificate answers it;\n' +
  '  --key: the Ed25519 public key compliance publishes (GET /v1/platform/retention/certificate-key), to pin\n' +
  '       lekha compliance data-map [--url URL] [--token T] [--format text|json|html]\n' +
  '  the platform data map (GET /v1/compliance/data-map) from the gateway at --url (or LEKHA_URL), signed in\n' +
  '  with --token (or LEKHA_TOKEN): an owner’s or admin’s access token, or platform compliance’s\n';

/**
 * `lekha compliance verify-certificate FILE`: checks a deletion certificate offline (no platform, no
 * network) with the same verifier compliance signs against. Exit 0 when valid; 1 with the reason when not.
 */
export async function complianceCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'data-map') return dataMapCommand(rest);
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

/** The map as text: per service, one line per declared table (category, purpose, how it names the person). */
export function dataMapText(map: PlatformDataMap): string {
  const lines = [`Personal data on the platform (generated ${map.generatedAt} from each service's declarations)`];
  for (const { service, tables } of map.services) {
    lines.push('', `${service} (${tables} table${tables === 1 ? '' : 's'})`);
    for (const e of map.entries.filter((x) => x.service === service)) {
      const note = e.notCustomers ?? e.withheld ?? (e.partOf ? `part of ${e.partOf}` : null);
      lines.push(
        `  ${e.table}  ${e.category}  ${e.what}: ${e.purpose}` +
          `${e.principalColumn ? ` [by ${e.principalColumn}]` : ''}${note ? ` (${note})` : ''}`,
      );
    }
  }
  lines.push('', 'Categories held:');
  for (const c of map.categories) lines.push(`  ${c.category}: ${c.services.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `lekha compliance data-map`: prints the merged data map the gateway serves (text, JSON or the printable page). */
async function dataMapCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  const url = (typeof flags.url === 'string' ? flags.url : process.env.LEKHA_URL) ?? 'http://127.0.0.1:3000';
  const token = typeof flags.token === 'string' ? flags.token : process.env.LEKHA_TOKEN;
  const format = typeof flags.format === 'string' ? flags.format : 'text';
  if (!token || !['text', 'json', 'html'].includes(format)) {
    process.stderr.write(USAGE);
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/compliance/data-map${format === 'html' ? '?format=html' : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (err) {
    process.stderr.write(`cannot reach ${url}: ${(err as Error).message}\n`);
    return 1;
  }
  const body = await res.text();
  if (!res.ok) {
    process.stderr.write(`data map refused (${res.status}): ${body}\n`);
    return 1;
  }
  if (format === 'html') process.stdout.write(body);
  else {
    const map = platformDataMapSchema.parse(JSON.parse(body));
    process.stdout.write(format === 'json' ? `${JSON.stringify(map, null, 2)}\n` : dataMapText(map));
  }
  return 0;
}
