import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { pino } from 'pino';
import { AuditOutbox } from '@lekha/audit';
import { Database } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';
import type { IdentityConfig } from '../src/config/identity.config.js';
import { migrations } from '../src/migrations/index.js';
import { IdentityData } from '../src/data/identity-data.js';
import { SigningKeyRepository } from '../src/signing/signing-key.repository.js';
import { TokenSigner } from '../src/signing/token-signer.js';
import { Tenant } from '../src/tenants/tenant.entity.js';
import { User } from '../src/users/user.entity.js';

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;

/**
 * Signing-key rotation on the real identity tables, with two signer instances sharing one
 * database (two identity processes): both sign with the newest key, a superseded key stays in the
 * JWKS until its tokens have expired, then is retired and leaves it. Time is moved by back-dating
 * the key rows, so nothing waits on a clock.
 */
describe(`signing-key rotation (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let testDb: TestDatabase;
  let pgliteDir: string;
  let db: Database;
  let a: TokenSigner;
  let b: TokenSigner;
  const rotations: string[] = [];
  const masterKey = randomBytes(32);
  const config = {
    ACCESS_TOKEN_TTL_SECONDS: 900,
    SIGNING_KEY_GRACE_SECONDS: 300,
    SIGNING_KEY_ROTATE_AFTER_HOURS: 720,
    // The timers never fire during the test (it takes a few seconds): maintain() is called explicitly.
    SIGNING_KEY_CHECK_SECONDS: 300,
    JWT_ISSUER: 'lekha-identity',
    JWT_AUDIENCE: 'lekha',
  } as IdentityConfig;
  const outbox = new AuditOutbox('identity', 'identity');
  const logger = new AppLogger(pino({ level: 'silent' }));
  const claims = {
    sub: '01938f5e-0000-7000-8000-000000000001',
    tid: '01938f5e-0000-7000-8000-000000000002',
    roles: ['owner'],
    sid: '01938f5e-0000-7000-8000-000000000003',
  };

  const published = async (signer: TokenSigner) => (await signer.jwks()).keys.map((k) => String(k.kid));
  const verify = async (signer: TokenSigner, token: string) =>
    jwtVerify(token, createLocalJWKSet((await signer.jwks()) as JSONWebKeySet), {
      algorithms: ['ES256'],
      issuer: 'lekha-identity',
      audience: 'lekha',
    });
  /** Time passes: every key was created (and retired) that much earlier. */
  const advance = (seconds: number) =>
    db.em().execute(
      `update identity.signing_keys set created_at = created_at - make_interval(secs => ?),
         retired_at = retired_at - make_interval(secs => ?)`,
      [seconds, seconds],
    );
  const auditReasons = async () =>
    (
      await db
        .em()
        .execute<{ payload: string | { resource: { type: string }; reason?: string } }[]>(
          `select payload from identity.audit_outbox order by id`,
        )
    )
      .map(
        (r) =>
          (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as {
            resource: { type: string };
            reason?: string;
          },
      )
      .filter((e) => e.resource.type === 'signing_key')
      .map((e) => e.reason);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    pgliteDir = await mkdtemp(join(tmpdir(), 'lekha-signing-'));
    db = await Database.open({ schema: 'identity', url: testDb.url, pgliteDir, entities: [Tenant, User], migrations });
    a = new TokenSigner(new IdentityData(db, outbox), new SigningKeyRepository(), masterKey, config, logger, outbox);
    b = new TokenSigner(new IdentityData(db, outbox), new SigningKeyRepository(), masterKey, config, logger, outbox);
    a.onRotate(() => void rotations.push('a'));
    await a.onModuleInit();
    await b.onModuleInit();
  });

  afterAll(async () => {
    a?.onModuleDestroy();
    b?.onModuleDestroy();
    await db?.close();
    await testDb?.drop();
    await rm(pgliteDir, { recursive: true, force: true });
  });

  it('creates one key on first start, audited, and a second instance adopts it', async () => {
    expect(a.activeKid).not.toBeNull();
    expect(b.activeKid).toBe(a.activeKid);
    expect(await published(a)).toEqual([a.activeKid]);
    expect(await auditReasons()).toEqual(['first_key']);
    const token = (await b.sign(claims)).token;
    expect(kidOf(token)).toBe(a.activeKid);
    expect((await verify(a, token)).payload).toMatchObject({ sub: claims.sub, tid: claims.tid, roles: ['owner'] });
  });

  it('refuses a grace shorter than the check interval (an instance could sign with a retired key)', async () => {
    const bad = new TokenSigner(
      new IdentityData(db, outbox),
      new SigningKeyRepository(),
      masterKey,
      { ...config, SIGNING_KEY_GRACE_SECONDS: 10, SIGNING_KEY_CHECK_SECONDS: 30 },
      logger,
      outbox,
    );
    await expect(bad.onModuleInit()).rejects.toThrow(/SIGNING_KEY_GRACE_SECONDS/);
  });

  it('omits the tenant claim for a platform user', async () => {
    const token = (await a.sign({ ...claims, tid: null, roles: ['platform:compliance'] })).token;
    const { payload } = await verify(a, token);
    expect(payload).not.toHaveProperty('tid');
    expect(payload.roles).toEqual(['platform:compliance']);
  });

  it('after one instance rotates, the other adopts the new key at its next check; both keys published', async () => {
    const oldKid = a.activeKid!;
    const before = (await a.sign(claims)).token;
    const listened = rotations.length;
    const rotated = await a.rotate();
    expect(rotations.length).toBe(listened + 1);
    expect(rotated.kid).not.toBe(oldKid);
    expect(b.activeKid).toBe(oldKid);
    await b.maintain();
    expect(b.activeKid).toBe(rotated.kid);
    expect(kidOf((await b.sign(claims)).token)).toBe(rotated.kid);
    expect(await published(a)).toEqual([rotated.kid, oldKid]);
    // A token of the old key still verifies against the published set.
    expect((await verify(b, before)).payload.sub).toBe(claims.sub);
  });

  it('keeps the superseded key until the token lifetime plus grace has passed, then retires it', async () => {
    const [current, previous] = await published(a);
    const before = (await a.sign(claims)).token;
    // Just inside the window: a token of the old key could still be alive.
    await advance(config.ACCESS_TOKEN_TTL_SECONDS + config.SIGNING_KEY_GRACE_SECONDS - 60);
    await a.maintain();
    expect(await published(a)).toEqual([current, previous]);
    await advance(120);
    const listened = rotations.length;
    await b.maintain();
    expect(await published(a)).toEqual([current]);
    const [row] = await db
      .em()
      .execute<{ retired_at: Date | null }[]>(`select retired_at from identity.signing_keys where kid = ?`, [previous]);
    expect(row!.retired_at).not.toBeNull();
    expect(b.activeKid).toBe(current);
    await a.maintain();
    expect(rotations.length).toBe(listened); // b retired it; a found nothing left to retire
    // The current key keeps signing and verifying.
    expect((await verify(a, before)).payload.sub).toBe(claims.sub);
  });

  it('rotates once the newest key passes SIGNING_KEY_ROTATE_AFTER_HOURS, audited as a scheduled job', async () => {
    const current = a.activeKid!;
    await b.maintain();
    expect(b.activeKid).toBe(current);
    await advance(config.SIGNING_KEY_ROTATE_AFTER_HOURS * 3600 + 60);
    await b.maintain();
    expect(b.activeKid).not.toBe(current);
    await a.maintain();
    expect(a.activeKid).toBe(b.activeKid);
    expect(await published(a)).toEqual([b.activeKid, current]);
    expect(await auditReasons()).toEqual(['first_key', 'rotated_on_schedule']);
    const [event] = await db
      .em()
      .execute<{ payload: string | { actor: { type: string }; tenantId: string | null } }[]>(
        `select payload from identity.audit_outbox where payload->'resource'->>'id' = ?`,
        [b.activeKid],
      );
    const parsed = (typeof event!.payload === 'string' ? JSON.parse(event!.payload) : event!.payload) as {
      actor: { type: string };
      tenantId: string | null;
    };
    expect(parsed).toMatchObject({ actor: { type: 'scheduled_job' }, tenantId: null });
  });
});
