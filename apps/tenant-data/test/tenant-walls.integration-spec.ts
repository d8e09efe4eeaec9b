import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, TENANT_FILTER, inTenantTransaction, type Em } from '@lekha/persistence';
import { createTestDatabase, type TestDatabase } from '@lekha/testing';
import { Customer } from '../src/customers/customer.entity.js';
import { migrations } from '../src/migrations/index.js';

/**
 * The two walls between tenants, on the real tenant-data tables and migrations: PostgreSQL when
 * TEST_DATABASE_URL is set, PGlite otherwise. Each wall is shown to hold on its own.
 */
describe(`tenant walls (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let testDb: TestDatabase;
  let pgliteDir: string;
  let db: Database;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const idsA = [randomUUID(), randomUUID()];
  const idB = randomUUID();

  const insert = (tx: Em, tenantId: string, id: string) =>
    tx.execute(`insert into tenant_data.customers (id, tenant_id, name_enc) values (?, ?, ?)`, [
      id,
      tenantId,
      Buffer.from('ciphertext'),
    ]);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    pgliteDir = await mkdtemp(join(tmpdir(), 'lekha-walls-'));
    db = await Database.open({ schema: 'tenant_data', url: testDb.url, pgliteDir, entities: [Customer], migrations });
    for (const id of idsA) await inTenantTransaction(db.em(), tenantA, (tx) => insert(tx, tenantA, id));
    await inTenantTransaction(db.em(), tenantB, (tx) => insert(tx, tenantB, idB));
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
    await rm(pgliteDir, { recursive: true, force: true });
  });

  it('runs tenant transactions as the non-superuser tenant role, and only inside them', async () => {
    const inside = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute<{ who: string; su: string }[]>(`select current_user as who, current_setting('is_superuser') as su`),
    );
    expect(inside[0]).toEqual({ who: 'lekha_tenant', su: 'off' });
    const after = await db.em().execute<{ who: string }[]>('select current_user as who');
    expect(after[0]!.who).not.toBe('lekha_tenant');
  });

  it('row-level security: raw SQL with no tenant predicate sees only the current tenant', async () => {
    // Control: the service login itself bypasses RLS, so the rows of both tenants are there.
    const all = await db.em().execute<{ id: string }[]>('select id from tenant_data.customers');
    expect(all.map((r) => r.id).sort()).toEqual([...idsA, idB].sort());

    const seenByB = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute<{ id: string; tenant_id: string }[]>('select * from tenant_data.customers'),
    );
    expect(seenByB.map((r) => r.id)).toEqual([idB]);
    const seenByA = await inTenantTransaction(db.em(), tenantA, (tx) =>
      tx.execute<{ id: string }[]>('select id from tenant_data.customers'),
    );
    expect(seenByA.map((r) => r.id).sort()).toEqual([...idsA].sort());
  });

  it('row-level security: another tenant’s rows cannot be changed, deleted or planted', async () => {
    const updated = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute(`update tenant_data.customers set notes_enc = 'x' where id = ?`, [idsA[0]], 'run'),
    );
    expect(updated).toMatchObject({ affectedRows: 0 });
    const deleted = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute('delete from tenant_data.customers where tenant_id = ?', [tenantA], 'run'),
    );
    expect(deleted).toMatchObject({ affectedRows: 0 });
    await expect(inTenantTransaction(db.em(), tenantB, (tx) => insert(tx, tenantA, randomUUID()))).rejects.toThrow(
      /row-level security/,
    );
    const stillA = await db
      .em()
      .execute<{ n: number }[]>(
        'select count(*)::int as n from tenant_data.customers where tenant_id = ? and notes_enc is null',
        [tenantA],
      );
    expect(stillA[0]!.n).toBe(2);
  });

  it('the tenant role cannot reach tables it was not granted, such as the wrapped keys', async () => {
    await expect(
      inTenantTransaction(db.em(), tenantB, (tx) => tx.execute('select * from tenant_data.tenant_keys')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      inTenantTransaction(db.em(), tenantB, (tx) => tx.execute('select * from tenant_data.audit_outbox')),
    ).rejects.toThrow(/permission denied/);
  });

  it('every table with a tenant_id has row-level security, and staged import chunks stay behind it', async () => {
    const tables = await db.em().execute<{ name: string; rls: boolean }[]>(
      `select c.relname as name, c.relrowsecurity as rls from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'tenant_data' and c.relkind = 'r' and exists (select 1 from
       information_schema.columns k where k.table_schema = 'tenant_data' and k.table_name = c.relname
       and k.column_name = 'tenant_id')`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['customers', 'records', 'record_changes', 'customer_import_chunks']),
    );
    expect(
      tables.filter((t) => !t.rls && !['audit_outbox', 'tenant_keys'].includes(t.name)).map((t) => t.name),
    ).toEqual([]);
    const importId = randomUUID();
    await inTenantTransaction(db.em(), tenantA, (tx) =>
      tx.execute(
        'insert into tenant_data.customer_import_chunks (tenant_id, import_id, chunk, row_count, payload_enc) ' +
          'values (?, ?, 0, 1, ?)',
        [tenantA, importId, Buffer.from('sealed')],
      ),
    );
    const seenByB = await inTenantTransaction(db.em(), tenantB, (tx) =>
      tx.execute<{ import_id: string }[]>('select import_id from tenant_data.customer_import_chunks'),
    );
    expect(seenByB).toEqual([]);
    const seenByA = await inTenantTransaction(db.em(), tenantA, (tx) =>
      tx.execute<{ import_id: string }[]>('select import_id from tenant_data.customer_import_chunks'),
    );
    expect(seenByA.map((r) => r.import_id)).toEqual([importId]);
  });

  it('ORM filter: a query that forgets the tenant predicate is scoped even where RLS is bypassed', async () => {
    // Outside a tenant transaction the login bypasses RLS, so only the filter stands in the way.
    const em = db.em();
    em.setFilterParams(TENANT_FILTER, { tenantId: tenantB });
    const rows = await em.find(Customer, {});
    expect(rows.map((r) => r.id)).toEqual([idB]);
    expect(await em.findOne(Customer, { id: idsA[0] })).toBeNull();
  });

  it('ORM filter: a query with no tenant in scope fails instead of returning every tenant', async () => {
    await expect(db.em().find(Customer, {})).rejects.toThrow(/filter 'tenant'|no tenant in scope/);
  });
});
