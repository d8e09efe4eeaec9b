import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersonalDataDeclaration } from '@lekha/contracts';
import { RIGHTS_SERVICES } from '@lekha/contracts';
import { BILLING_PERSONAL_DATA } from '../../apps/billing/src/rights/personal-data.js';
import { COMPLIANCE_PERSONAL_DATA } from '../../apps/compliance/src/rights/personal-data.js';
import { IDENTITY_PERSONAL_DATA } from '../../apps/identity/src/rights/personal-data.js';
import { NOTIFICATIONS_PERSONAL_DATA } from '../../apps/notifications/src/rights/personal-data.js';
import { TENANT_DATA_PERSONAL_DATA } from '../../apps/tenant-data/src/rights/personal-data.js';

/**
 * Rights requests must reach every personal datum: a service whose migrations create a table with an
 * encrypted column (`*_enc`), a blind index (`*_idx`) or a customer column must declare that table in
 * its `src/rights/personal-data.ts` (with the column naming the principal, or why it holds no
 * customer's data), and must answer rights requests (`RightsModule.forService` in its root module).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const DECLARED: Record<string, readonly PersonalDataDeclaration[]> = {
  identity: IDENTITY_PERSONAL_DATA,
  'tenant-data': TENANT_DATA_PERSONAL_DATA,
  notifications: NOTIFICATIONS_PERSONAL_DATA,
  billing: BILLING_PERSONAL_DATA,
  compliance: COMPLIANCE_PERSONAL_DATA,
};
const PERSONAL_COLUMN = /\b([a-z_]+_(?:enc|idx)|customer_id|subject_ids)\b/;

/** Tables whose migrations give them a personal column: `create table` bodies and `alter table … add column`. */
function personalTables(service: string): Set<string> {
  const dir = join(ROOT, 'apps', service, 'src', 'migrations');
  const schema = service.replace(/-/g, '_');
  const found = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/create table (?:if not exists )?\$\{S\}\.([a-z_]+)\s*\(([\s\S]*?)`/g))
      if (PERSONAL_COLUMN.test(m[2]!)) found.add(`${schema}.${m[1]}`);
    for (const m of text.matchAll(/alter table (?:if exists )?\$\{S\}\.([a-z_]+)([\s\S]*?)`/g))
      if (/add column/.test(m[2]!) && PERSONAL_COLUMN.test(m[2]!)) found.add(`${schema}.${m[1]}`);
  }
  return found;
}

const servicesWithMigrations = readdirSync(join(ROOT, 'apps')).filter((s) => {
  try {
    return readdirSync(join(ROOT, 'apps', s, 'src', 'migrations')).length > 0;
  } catch {
    return false;
  }
});

describe('rights handlers', () => {
  it.each(servicesWithMigrations)('%s: every table with personal data is declared and answered for', (service) => {
    const tables = personalTables(service);
    if (!tables.size) return;
    expect(RIGHTS_SERVICES).toContain(service);
    const declared = new Set((DECLARED[service] ?? []).map((d) => d.table));
    expect([...tables].filter((t) => !declared.has(t)).sort()).toEqual([]);
    const root = readFileSync(join(ROOT, 'apps', service, 'src', 'app.module.ts'), 'utf8');
    expect(root).toMatch(/RightsModule\.forService\(/);
  });

  it('every declaration names a principal column, the table it is part of, or why it holds no customer', () => {
    for (const declarations of Object.values(DECLARED))
      for (const d of declarations) {
        const covered = d.principalColumn !== null || d.notCustomers !== undefined;
        expect({ table: d.table, covered }).toEqual({ table: d.table, covered: true });
        if (d.partOf) expect(declarations.map((x) => x.table)).toContain(d.partOf);
      }
  });
});
