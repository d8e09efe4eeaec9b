import { Migration } from '@lekha/persistence';

const S = 'billing';

/**
 * Subscriptions (one per tenant), metered usage events (unique on the event's own ID: a repeated event
 * never counts twice) and billing's event outbox (entitlement snapshots and platform events, sealed with
 * the bus key, written in the transaction of the change and published by the relay). All three are the
 * platform's records of its tenants, handled with the service's own login; the tenant role has no grant.
 */
export class Migration20270110Subscriptions extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.subscriptions (
        tenant_id uuid primary key,
        plan_key text not null,
        interval text not null check (interval in ('monthly', 'annual')),
        status text not null check (status in ('trialing', 'active', 'grace', 'restricted', 'cancelled')),
        trial_ends_at timestamptz,
        period_start timestamptz not null,
        period_end timestamptz not null check (period_end > period_start),
        pending_plan_key text,
        pending_interval text check (pending_interval in ('monthly', 'annual')),
        cancel_at_period_end boolean not null default false,
        open_invoice_id uuid references ${S}.invoices (id),
        grace_ends_at timestamptz,
        restricted_at timestamptz,
        cancelled_at timestamptz,
        billing_details jsonb,
        version integer not null check (version >= 1),
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check ((pending_plan_key is null) = (pending_interval is null))
      )`,
      `create index subscriptions_due on ${S}.subscriptions (period_end) where status <> 'cancelled'`,
      `create table ${S}.usage_events (
        event_id uuid primary key,
        tenant_id uuid not null,
        metric text not null check (metric in ('messages', 'storageBytes')),
        quantity bigint not null check (quantity > 0),
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default now()
      )`,
      `create index usage_events_tenant on ${S}.usage_events (tenant_id, metric, occurred_at)`,
      `create table ${S}.event_outbox (
        id bigint generated always as identity primary key,
        tenant_id uuid not null,
        topic text not null,
        value text not null,
        created_at timestamptz not null default now()
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}
