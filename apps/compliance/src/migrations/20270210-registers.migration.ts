import { Migration } from '@lekha/persistence';

const S = 'compliance';

const insertOnlyFunctionSql = `create or replace function ${S}.register_insert_only() returns trigger
  language plpgsql as $$
  begin
    raise exception 'register rows are insert-only: % on %.% refused', tg_op, tg_table_schema, tg_table_name
      using errcode = 'insufficient_privilege';
  end $$`;

const insertOnlySql = (table: string) => [
  `create trigger ${table}_insert_only before update or delete on ${S}.${table}
     for each row execute function ${S}.register_insert_only()`,
  `create trigger ${table}_no_truncate before truncate on ${S}.${table}
     for each statement execute function ${S}.register_insert_only()`,
];

/**
 * The oversight registers: law-enforcement requests (a decision is a row of its own) and breaches
 * (status changes and filings are timeline rows). No tenant reads them — they are the platform's —
 * so they carry no tenant policy and the tenant role has no grant; a trigger keeps every register
 * row insert-only (history is never edited). They hold IDs and platform text only: principals by
 * customer ID, never a name, phone or email. `register_notices` is the working table of what
 * compliance hands to notifications (the tenant's notice of a request, breach notices): one row per
 * recipient, so a notice is handed over at most once.
 */
export class Migration20270210Registers extends Migration {
  override async up(): Promise<void> {
    [
      insertOnlyFunctionSql,
      `create table ${S}.legal_requests (
        id uuid primary key,
        authority_name text not null,
        authority_type text not null,
        instrument_type text not null,
        instrument_reference text not null,
        tenant_id uuid not null,
        customer_ids uuid[] not null,
        categories text[] not null,
        received_at timestamptz not null,
        bar_reason text,
        bar_until timestamptz,
        recorded_by_type text not null,
        recorded_by_id text,
        created_at timestamptz not null
      )`,
      `create index legal_requests_received on ${S}.legal_requests (received_at desc, id desc)`,
      `create index legal_requests_tenant on ${S}.legal_requests (tenant_id, received_at desc)`,
      `create table ${S}.legal_decisions (
        request_id uuid primary key references ${S}.legal_requests (id),
        decision text not null check (decision in ('disclosed', 'partially', 'refused')),
        decided_at timestamptz not null,
        disclosed_customer_ids uuid[],
        disclosed_categories text[],
        disclosed_note text,
        recorded_by_type text not null,
        recorded_by_id text,
        recorded_at timestamptz not null
      )`,
      `create table ${S}.incidents (
        id uuid primary key,
        detected_at timestamptz not null,
        description text not null,
        categories text[] not null,
        tenant_ids uuid[] not null,
        window_from timestamptz not null,
        window_to timestamptz not null,
        involved_type text not null,
        involved_id text not null,
        cert_in boolean not null,
        board_intimation_due timestamptz not null,
        board_report_due timestamptz not null,
        cert_in_due timestamptz not null,
        recorded_by_type text not null,
        recorded_by_id text,
        created_at timestamptz not null
      )`,
      `create index incidents_detected on ${S}.incidents (detected_at desc, id desc)`,
      `create table ${S}.incident_events (
        id uuid primary key,
        incident_id uuid not null references ${S}.incidents (id),
        at timestamptz not null,
        kind text not null,
        status text,
        stage text,
        detail jsonb not null,
        by_type text not null,
        by_id text
      )`,
      `create index incident_events_incident on ${S}.incident_events (incident_id, at, id)`,
      `create unique index incident_events_stage on ${S}.incident_events (incident_id, stage) where stage is not null`,
      `create unique index incident_events_status on ${S}.incident_events (incident_id, status) ` +
        `where status is not null`,
      // The principal notice's text (DPDP Rule 7(1)), fixed by the first notify: platform text only.
      `create table ${S}.incident_notice_texts (
        incident_id uuid primary key references ${S}.incidents (id),
        content jsonb not null,
        recorded_by_type text not null,
        recorded_by_id text,
        recorded_at timestamptz not null
      )`,
      `create table ${S}.register_notices (
        id uuid primary key,
        source_type text not null check (source_type in ('legal_request', 'incident')),
        source_id uuid not null,
        tenant_id uuid not null,
        recipient_type text not null check (recipient_type in ('tenant_owner', 'customer')),
        customer_id uuid,
        due_at timestamptz not null,
        sent_at timestamptz,
        error text,
        delivery_status text,
        delivery_at timestamptz,
        created_at timestamptz not null
      )`,
      `create unique index register_notices_recipient on ${S}.register_notices ` +
        `(source_id, tenant_id, recipient_type, coalesce(customer_id, '00000000-0000-0000-0000-000000000000'))`,
      `create index register_notices_due on ${S}.register_notices (due_at) where sent_at is null and error is null`,
      `create index register_notices_source on ${S}.register_notices (source_id)`,
      ...['legal_requests', 'legal_decisions', 'incidents', 'incident_events', 'incident_notice_texts'].flatMap(
        insertOnlySql,
      ),
    ].forEach((sql) => this.addSql(sql));
  }
}
