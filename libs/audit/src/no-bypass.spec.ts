import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Guards the audit rule in the source itself: nothing but libs/audit produces to the audit topic,
 * and every use case records what it accesses (or is listed here with the reason it need not).
 * Guards the data rule too: a use case reaches its data only through repositories, never through
 * the ORM or SQL of its own.
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
  'apps/identity/src/sessions/use-cases/revoke-session.use-case.ts':
    'recorded by LogoutUseCase, which ends a session the same way when its owner signs out',
  'apps/tenant-data/src/customers/use-cases/get-customer-data-map.use-case.ts':
    'the data map describes fields and categories, not anyone’s data',
  'apps/tenant-data/src/records/use-cases/list-record-types.use-case.ts':
    'record type definitions are configuration, not records',
  'apps/tenant-data/src/records/use-cases/record-type-view.ts': 'a mapping helper, not a use case',
  'apps/identity/src/platform-users/use-cases/create-platform-user.use-case.ts':
    'recorded by PlatformUserWriter.create, which the start-up bootstrap shares',
  'apps/identity/src/auth/use-cases/sign-out.use-case.ts':
    'recorded by the sessions feature’s LogoutUseCase, which ends a session for signing out and for revoking one',
  'apps/identity/src/auth/use-cases/get-jwks.use-case.ts': 'the public keys that verify tokens: no personal data',
  'apps/tenant-data/src/documents/use-cases/begin-upload.use-case.ts':
    'opens an upload session only; commit-upload records the document, abort-upload and the sweep its ' +
    'abandonment, document-access.ts a refusal or an unknown customer',
  'apps/tenant-data/src/documents/use-cases/begin-download.use-case.ts':
    'recorded by document-access.ts onReadyDocument, in the transaction that reads the document',
  'apps/tenant-data/src/documents/use-cases/delete-document.use-case.ts':
    'recorded by document-access.ts onReadyDocument, in the transaction that deletes the row',
  'apps/tenant-data/src/documents/use-cases/download-chunk.use-case.ts':
    'a chunk of a download whose read begin-download recorded; TenantAccess records a miss',
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

/** ORM methods that take an entity class first. */
const ENTITY_QUERIES =
  'find|findOne|findOneOrFail|findAll|findAndCount|count|nativeUpdate|nativeDelete|upsert|create|persist|remove';

/**
 * What a use case must not contain: the ORM's unit of work, a statement run on it, a query
 * builder, an entity query or an SQL statement. (A use case's own `execute(` and a call of another
 * use case's are fine: only `execute` on a transaction or entity manager, or with SQL, is refused.)
 */
const DATA_BYPASS: Record<string, RegExp> = {
  'the entity manager (.em()': /\.em\(\s*\)/,
  'a statement executed on a transaction or entity manager': /\b(?:tx|em|trx|manager|db)\s*\.\s*execute\s*[<(]/,
  'a statement executed from a string': /\.execute\s*(?:<[^>()]*>)?\s*\(\s*[`'"]/,
  'a query builder': /createQueryBuilder/,
  'an entity query': new RegExp(String.raw`\.(?:${ENTITY_QUERIES})\(\s*[A-Z]\w*\s*[,)]`),
  'a flush of the unit of work': /\b(?:tx|em|trx)\s*\.\s*flush\(/,
  'an SQL statement':
    /[`'"]\s*(?:select\s[\s\S]*?\sfrom|insert\s+into|update\s+[\w."]+\s+set|delete\s+from|with\s+\w+\s+as\s*\()\b/i,
};

/**
 * Use cases of other services that still reach the ORM or SQL themselves, each with what it does.
 * Shrink this list: move the query into a repository and delete the entry (the test fails while an
 * entry names a file that no longer offends, so the list cannot go stale).
 */
const DATA_BYPASS_ALLOWED: Record<string, string> = {};

describe('no ORM or SQL in a use case', () => {
  const useCases = files.filter((f) => f.path.startsWith('apps/') && f.path.endsWith('.use-case.ts'));
  const offences = (text: string) =>
    Object.entries(DATA_BYPASS)
      .filter(([, pattern]) => pattern.test(text))
      .map(([what]) => what);

  it('finds the use cases', () => {
    expect(useCases.length).toBeGreaterThan(60);
  });

  it('no use case reaches the ORM or SQL itself, but the listed ones', () => {
    const offending = useCases
      .filter((f) => !(f.path in DATA_BYPASS_ALLOWED))
      .flatMap((f) => offences(f.text).map((what) => `${f.path}: ${what}`));
    expect(offending).toEqual([]);
  });

  it('every allowed exception still offends (delete an entry once its file is clean)', () => {
    const stale = Object.keys(DATA_BYPASS_ALLOWED).filter((path) => {
      const file = useCases.find((f) => f.path === path);
      return !file || offences(file.text).length === 0;
    });
    expect(stale).toEqual([]);
  });

  it('recognises each kind of bypass', () => {
    const samples: Record<string, string> = {
      'the entity manager (.em()': 'const user = await this.db.em().findOne(User, { id });',
      'a statement executed on a transaction or entity manager': 'await tx.execute<Row[]>(sql, [id]);',
      'a statement executed from a string': 'await this.db.em().execute(`select 1`);',
      'a query builder': "const qb = tx.createQueryBuilder(User, 'u');",
      'an entity query': "const user = await tx.findOne(User, { id, status: 'active' });",
      'a flush of the unit of work': 'target.status = "deactivated"; await tx.flush();',
      'an SQL statement': "const sql = 'update identity.users set status = ? where id = ?';",
    };
    for (const [what, text] of Object.entries(samples)) expect(offences(text)).toContain(what);
    const clean = [
      'async execute(ctx: RequestContext, input: Input): Promise<Output> {',
      'return this.logout.execute(ctx, sessionId);',
      'const user = await this.users.findActive(this.data.reader(), id, tenantId);',
      'await this.data.transaction(async (tx) => this.audit.record(tx, record));',
      "throw new DomainError('NOT_FOUND', 'update the app and try again');",
    ];
    for (const text of clean) expect(offences(text)).toEqual([]);
  });
});
