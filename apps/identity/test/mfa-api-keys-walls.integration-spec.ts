import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, inTenantTransaction, type Em } from '@lekha/persistence';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';
import { Tenant } from '../src/tenants/tenant.entity.js';
import { User } from '../src/users/user.entity.js';
import { migrations } from '../src/migrations/index.js';

/**
 * Row-level security on the second-factor and API-key tables, on the real identity migrations
 * (PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise): under the tenant role a raw query
 * sees only its tenant's rows, cannot plant rows for another, and cannot read the global tables.
 */
describe(`identity MFA and API-key walls (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let testDb: TestDatabase;
  let pgliteDir: string;
  let db: Database;
  const [tenantA, tenantB, userA, userB] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const tables = ['mfa_totp', 'mfa_recovery_codes', 'mfa_challenges', 'api_keys'];

  const seed = async (tx: Em, tenantId: string, userId: string) => {
    await tx.execute(`insert into identity.tenants (id, name, state_code) values (?, 'x', '29')`, [tenantId]);
    await tx.execute(
      `insert into identity.users (id, tenant_id, name_enc, password_hash, roles, age_confirmed_at)
       values (?, ?, ?, 'h', '{owner}', now())`,
      [userId, tenantId, Buffer.from('c')],
    );
    await tx.execute(
      `insert into identity.mfa_totp (user_id, tenant_id, secret_enc, status) values (?, ?, ?, 'active')`,
      [userId, tenantId, Buffer.from('c')],
    );
    await tx.execute(
      `insert into identity.mfa_recovery_codes (id, tenant_id, user_id, code_hash) values (?, ?, ?, ?)`,
      [randomUUID(), tenantId, userId, randomUUID()],
    );
    await tx.execute(
      `insert into identity.mfa_challenges (id, tenant_id, user_id, token_hash, kind, expires_at)
       values (?, ?, ?, ?, 'login', now())`,
      [randomUUID(), tenantId, userId, randomUUID()],
    );
    const keyId = randomUUID();
    await tx.execute(
      `insert into identity.api_keys (id, tenant_id, name_enc, prefix, scopes, created_by)
       values (?, ?, ?, 'lk_live_abcdef', '{customers:read}', ?)`,
      [keyId, tenantId, Buffer.from('c'), userId],
    );
    await tx.execute(`insert into identity.api_key_index (key_hash, key_id, tenant_id) values (?, ?, ?)`, [
      randomUUID(),
      keyId,
      tenantId,
    ]);
  };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    pgliteDir = await mkdtemp(join(tmpdir(), 'lekha-identity-walls-'));
    db = await Database.open({ schema: 'identity', url: testDb.url, pgliteDir, entities: [Tenant, User], migrations });
    // The service login (owner or superuser) seeds both tenants.
    await db.em().transactional(async (tx) => {
      await seed(tx, tenantA, userA);
      await seed(tx, tenantB, userB);
    });
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
    await rm(pgliteDir, { recursive: true, force: true });
  });

  it.each(tables)('%s: the tenant role sees only its tenant’s rows, even with no tenant predicate', async (table) => {
    const all = await db.em().execute<{ tenant_id: string }[]>(`select tenant_id from identity.${table}`);
    expect(new Set(all.map((r) => r.tenant_id))).toEqual(new Set([tenantA, tenantB]));
    const seenByB = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute<{ tenant_id: string }[]>(`select tenant_id from identity.${table}`),
    );
    expect(seenByB.length).toBeGreaterThan(0);
    expect(seenByB.every((r) => r.tenant_id === tenantB)).toBe(true);
  });

  it('the tenant role cannot plant a row for another tenant or change one', async () => {
    await expect(
      inTenantTransaction(db.em(), tenantB, (tx) =>
        tx.execute(
          `insert into identity.mfa_recovery_codes (id, tenant_id, user_id, code_hash) values (?, ?, ?, 'planted')`,
          [randomUUID(), tenantA, userA],
        ),
      ),
    ).rejects.toThrow(/row-level security/i);
    const changed = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute<{ id: string }[]>(`update identity.api_keys set revoked_at = now() where tenant_id = ? returning id`, [
        tenantA,
      ]),
    );
    expect(changed).toEqual([]);
    const live = await db
      .em()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from identity.api_keys where tenant_id = ? and revoked_at is null`,
        [tenantA],
      );
    expect(live[0]!.n).toBe(1);
  });

  it('the tenant role cannot read the global tables (users, key index)', async () => {
    for (const table of ['users', 'api_key_index']) {
      await expect(
        inTenantTransaction(db.em(), tenantB, (tx) => tx.execute(`select * from identity.${table}`)),
      ).rejects.toThrow(/permission denied/i);
    }
  });

  it('security #8: platform users’ factor rows (no tenant) are hidden from tenants, who cannot plant one', async () => {
    const platformUser = randomUUID();
    const code = `insert into identity.mfa_recovery_codes (id, tenant_id, user_id, code_hash) values (?, null, ?, ?)`;
    await db.em().transactional(async (tx) => {
      await tx.execute(
        `insert into identity.users (id, tenant_id, name_enc, password_hash, roles, age_confirmed_at)
         values (?, null, ?, 'h', '{platform:admin}', now())`,
        [platformUser, Buffer.from('c')],
      );
      await tx.execute(
        `insert into identity.mfa_totp (user_id, tenant_id, secret_enc, status) values (?, null, ?, 'active')`,
        [platformUser, Buffer.from('c')],
      );
      await tx.execute(code, [randomUUID(), platformUser, randomUUID()]);
    });
    // The service login with no tenant set reads them (the platform's sign-in and enrolment do).
    const own = await db
      .em()
      .execute<{ n: number }[]>(`select count(*)::int as n from identity.mfa_totp where user_id = ?`, [platformUser]);
    expect(own[0]!.n).toBe(1);
    for (const table of ['mfa_totp', 'mfa_recovery_codes']) {
      const seen = await inTenantTransaction(db.em(), tenantB, (tx) =>
        tx.execute(`select * from identity.${table} where tenant_id is null`),
      );
      expect(seen).toEqual([]);
    }
    const plant = inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute(code, [randomUUID(), platformUser, 'planted']),
    );
    await expect(plant).rejects.toThrow(/row-level security/i);
  });
});
