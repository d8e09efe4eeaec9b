/**
 * The database role tenant transactions run under. It is not a superuser and does not own the
 * tables, so the row-level security policies bind it (a superuser or owner would bypass them).
 * NOLOGIN: nobody connects as it; a service's own login switches to it per transaction.
 */
export const TENANT_ROLE = 'lekha_tenant';

/**
 * Migration SQL: creates the tenant role once per cluster (race-safe, since several databases on
 * one server may migrate at the same time), lets the migrating login switch to it, and lets it
 * use the schema. Tables are granted one by one with `tenantTableGrantsSql`.
 */
export function tenantRoleSql(schema: string): string[] {
  return [
    `do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${TENANT_ROLE}') then
        create role ${TENANT_ROLE} nologin nosuperuser noinherit nobypassrls;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`,
    // A non-superuser service login must be a member to `set role`; a superuser already is.
    `do $$ begin
      if not pg_has_role(current_user, '${TENANT_ROLE}', 'member') then
        execute format('grant %I to %I', '${TENANT_ROLE}', current_user);
      end if;
    end $$`,
    `grant usage on schema "${schema}" to ${TENANT_ROLE}`,
  ];
}

/**
 * Migration SQL: the least the tenant role needs on a table. Only tables with row-level security
 * (or append-only ones such as the audit outbox, granted insert only) belong here.
 */
export function tenantTableGrantsSql(
  qualifiedTable: string,
  privileges: readonly ('select' | 'insert' | 'update' | 'delete')[] = ['select', 'insert', 'update', 'delete'],
): string[] {
  return [`grant ${privileges.join(', ')} on ${qualifiedTable} to ${TENANT_ROLE}`];
}
