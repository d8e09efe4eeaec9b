import { Migration, rlsPolicySql, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'notifications';

/**
 * Row-level security the service's own login is not bound by (it owns the table and the policy is not
 * forced), while tenant transactions (the tenant role) are: for the global tables the dispatcher and the
 * receipt path read across tenants, which hold IDs only.
 */
function ownerReadableRlsSql(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `create policy tenant_isolation on ${table} using (tenant_id = ` +
      `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
      `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
  ];
}

/**
 * Tenant messaging: DLT templates, settings (provider credentials encrypted under the tenant's key),
 * messages (recipient and text encrypted, the recipient blind-indexed), their attempts per provider,
 * idempotency keys, consent and opt-outs; plus the durable dispatch queue and the provider-reference
 * lookup that delivery receipts use (IDs only).
 */
export class Migration20261230TenantMessaging extends Migration {
  override async up(): Promise<void> {
    const tenantTables = [
      `create table ${S}.templates (
        id uuid primary key,
        tenant_id uuid not null,
        key text not null,
        channel text not null check (channel in ('sms', 'whatsapp', 'email')),
        category text not null
          check (category in ('transactional', 'service_implicit', 'service_explicit', 'promotional')),
        dlt_template_id text,
        header text,
        body text not null,
        subject text,
        wa_template_name text,
        wa_template_language text,
        provider_template_id text,
        created_at timestamptz not null default now(),
        unique (tenant_id, key, channel)
      )`,
      `create table ${S}.settings (
        tenant_id uuid primary key,
        pe_id text,
        headers jsonb not null default '[]',
        url_domains jsonb not null default '[]',
        quiet_hours jsonb,
        providers jsonb not null default '{}',
        credentials_enc bytea,
        credentials_set jsonb not null default '[]',
        updated_at timestamptz not null default now()
      )`,
      `create table ${S}.messages (
        id uuid primary key,
        tenant_id uuid not null,
        template_key text not null,
        channel text not null,
        category text not null,
        recipient_enc bytea not null,
        recipient_idx text not null,
        customer_id uuid,
        body_enc bytea not null,
        variables_enc bytea,
        status text not null
          check (status in ('queued', 'deferred', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead')),
        provider text,
        provider_message_id text,
        error_code text,
        error_detail text,
        attempts integer not null default 0,
        next_attempt_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index messages_tenant_created on ${S}.messages (tenant_id, created_at desc, id desc)`,
      `create index messages_tenant_customer on ${S}.messages (tenant_id, customer_id) where customer_id is not null`,
      `create table ${S}.message_attempts (
        id uuid primary key,
        tenant_id uuid not null,
        message_id uuid not null references ${S}.messages (id) on delete cascade,
        provider text not null,
        state text not null check (state in ('sending', 'sent', 'failed', 'unknown')),
        provider_message_id text,
        error_code text,
        error_detail text,
        started_at timestamptz not null default now(),
        finished_at timestamptz
      )`,
      `create index message_attempts_message on ${S}.message_attempts (message_id)`,
      `create table ${S}.idempotency_keys (
        tenant_id uuid not null,
        key text not null,
        request_idx text not null,
        state text not null check (state in ('in_flight', 'done')),
        response jsonb,
        started_at timestamptz not null default now(),
        primary key (tenant_id, key)
      )`,
      `create table ${S}.consents (
        tenant_id uuid not null,
        recipient_idx text not null,
        purpose text not null check (purpose in ('service_explicit', 'promotional', 'whatsapp')),
        granted boolean not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, recipient_idx, purpose)
      )`,
      `create table ${S}.recipient_flags (
        tenant_id uuid not null,
        recipient_idx text not null,
        opted_out boolean not null default false,
        dnd boolean not null default false,
        last_inbound_at timestamptz,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, recipient_idx)
      )`,
    ];
    const globalTables = [
      `create table ${S}.dispatch_queue (
        message_id uuid primary key,
        tenant_id uuid not null,
        next_attempt_at timestamptz not null,
        lease_until timestamptz
      )`,
      `create index dispatch_queue_due on ${S}.dispatch_queue (next_attempt_at)`,
      `create table ${S}.provider_refs (
        provider text not null,
        provider_message_id text not null,
        tenant_id uuid not null,
        message_id uuid not null,
        primary key (provider, provider_message_id)
      )`,
      `create index provider_refs_message on ${S}.provider_refs (tenant_id, message_id)`,
      `create table ${S}.receipts_seen (
        provider text not null,
        dedup_key text not null,
        tenant_id uuid not null,
        seen_at timestamptz not null default now(),
        primary key (provider, dedup_key)
      )`,
      `create table ${S}.recipient_routes (
        route_idx text not null,
        tenant_id uuid not null,
        primary key (route_idx, tenant_id)
      )`,
    ];
    const tenant = ['templates', 'settings', 'messages', 'message_attempts', 'idempotency_keys', 'consents'];
    const global = ['dispatch_queue', 'provider_refs', 'receipts_seen', 'recipient_routes'];
    [
      ...tenantRoleSql(S),
      ...tenantTables,
      ...globalTables,
      ...[...tenant, 'recipient_flags'].flatMap((t) => [
        ...rlsPolicySql(`${S}.${t}`),
        ...tenantTableGrantsSql(`${S}.${t}`),
      ]),
      ...global.flatMap((t) => [...ownerReadableRlsSql(`${S}.${t}`), ...tenantTableGrantsSql(`${S}.${t}`)]),
      ...tenantTableGrantsSql(`${S}.audit_outbox`, ['insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
