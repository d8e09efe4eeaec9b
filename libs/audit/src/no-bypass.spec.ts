import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Guards the audit rule in the source itself: nothing but libs/audit produces to the audit topic,
 * and every use case records what it accesses (or is listed here with the reason it need not).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(name)) yield path;
  }
}

const files = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));

/** Use cases that read or change nothing personal, with the reason. */
const NOT_AN_ACCESS: Record<string, string> = {
  'apps/identity/src/sessions/use-cases/list-revocations.use-case.ts':
    'gateways poll revoked session IDs: no personal or business data',
  'apps/tenant-data/src/customers/use-cases/get-customer-data-map.use-case.ts':
    'the data map describes fields and categories, not anyone’s data',
  'apps/tenant-data/src/records/use-cases/list-record-types.use-case.ts':
    'record type definitions are configuration, not records',
  'apps/tenant-data/src/records/use-cases/record-type-view.ts': 'a mapping helper, not a use case',
  'apps/identity/src/platform-users/use-cases/create-platform-user.use-case.ts':
    'recorded by PlatformUserWriter.create, which the start-up bootstrap shares',
  'apps/tenant-data/src/documents/use-cases/begin-upload.use-case.ts':
    'opens an upload session only; commit-upload records the document, abort-upload and the sweep its ' +
    'abandonment, TenantAccess a refusal',
  'apps/compliance/src/audit-index/use-cases/get-audit-network-key.use-case.ts':
    'hands out a public key to seal to: no personal or business data',
};

describe('no unaudited access', () => {
  it('only libs/audit produces to audit.events.v1', () => {
    const producers = files.filter(
      (f) => !f.path.startsWith('libs/audit/') && /\.send\(\s*\{[^}]*topic:\s*AUDIT_EVENTS_TOPIC/s.test(f.text),
    );
    const literal = files.filter((f) => !f.path.startsWith('libs/contracts/') && f.text.includes("'audit.events.v1'"));
    expect(producers.map((f) => f.path)).toEqual([]);
    expect(literal.map((f) => f.path)).toEqual([]);
  });

  it('every use case records its access', () => {
    const useCases = files.filter((f) => /\/use-cases\//.test(f.path));
    expect(useCases.length).toBeGreaterThan(20);
    const silent = useCases.filter((f) => !/\.record\(/.test(f.text) && !(f.path in NOT_AN_ACCESS)).map((f) => f.path);
    expect(silent).toEqual([]);
    for (const path of Object.keys(NOT_AN_ACCESS)) expect(files.some((f) => f.path === path)).toBe(true);
  });
});
