import { rpcServices } from './rpc.js';

export const AUDIT_EVENTS_TOPIC = 'audit.events.v1';
export const AUDIT_CHECKPOINTS_TOPIC = 'audit.checkpoints.v1';
export const DOMAIN_EVENTS_TOPIC = 'platform.events.v1';
/** Messages for notifications to deliver (OTP, reset links, invitations, alerts); payloads sealed. */
export const NOTIFICATIONS_DISPATCH_TOPIC = 'notifications.dispatch.v1';
/**
 * Consent changes from compliance and each service's confirmation that it applied one; sealed with
 * the bus key (the principal's address sealed again per tenant). Compliance republishes until
 * confirmed, so a day's retention loses nothing.
 */
export const PRIVACY_CONSENTS_TOPIC = 'privacy.consents.v1';
/**
 * Rights requests: compliance asks each service for its part of an access or export request and
 * each answers; sealed with the bus key (a part sealed again per tenant). Compliance republishes a
 * request until its part arrives, so a day's retention loses nothing.
 */
export const PRIVACY_RIGHTS_TOPIC = 'privacy.rights.v1';
/**
 * Tenant-data's domain events (business-record lifecycle, customer erasure), sealed with the bus key and
 * published from tenant-data's outbox (written in the same transaction as the change); keyed by tenant.
 */
export const TENANT_DATA_EVENTS_TOPIC = 'tenant-data.events.v1';
/**
 * Identity's domain events (a staff user's contact, a deactivation's tombstone), sealed with the bus key and
 * published from identity's outbox (written in the same transaction as the change); keyed by tenant.
 */
export const IDENTITY_EVENTS_TOPIC = 'identity.events.v1';
/** Replies to every request/reply call; each calling process reads its own partition. */
export const RPC_REPLIES_TOPIC = 'rpc.replies.v1';
/** Partitions of `rpc.replies.v1`: at most this many calling processes at once. */
export const RPC_REPLY_PARTITIONS = 32;
/** Partitions of each service's request topic: at most this many instances share its load. */
export const RPC_REQUEST_PARTITIONS = 6;

/** The topic a service's requests travel on (all its patterns; the pattern rides in `x-lekha-op`). */
export function rpcRequestTopic(service: string): string {
  return `rpc.${service}.v1`;
}

/** Identity's current JWKS (public keys only, sealed with the bus key); compacted, latest record wins. */
export const IDENTITY_JWKS_TOPIC = 'identity.jwks.v1';

/**
 * Billing's entitlement snapshot per tenant (plan limits, features, whether the tenant may write),
 * sealed with the bus key; compacted and keyed by tenant, so the latest record of each tenant wins.
 */
export const BILLING_ENTITLEMENTS_TOPIC = 'billing.entitlements.v1';

/**
 * Usage the services report to billing (e.g. notifications: one event per message sent), sealed with
 * the bus key and keyed by tenant; billing meters each event once by its ID, so redelivery is harmless.
 */
export const BILLING_USAGE_TOPIC = 'billing.usage.v1';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: Record<string, string>;
}

export interface TopicPlanOptions {
  /** 1 on a single local broker; 3 in a production cluster. */
  replicationFactor: number;
  /** 1 on a single local broker; 2 in a production cluster. */
  minInsyncReplicas: number;
  /** Partitions of each service's request topic (default RPC_REQUEST_PARTITIONS). */
  rpcPartitions?: number;
  auditPartitions?: number;
}

/**
 * Every topic the platform uses, with explicit configs. Provisioned by an idempotent step
 * (`lekha kafka provision`); the broker never auto-creates topics.
 */
export function topicPlan(opts: TopicPlanOptions): TopicSpec[] {
  const rf = opts.replicationFactor;
  const minIsr = String(opts.minInsyncReplicas);
  const audit: TopicSpec = {
    topic: AUDIT_EVENTS_TOPIC,
    numPartitions: opts.auditPartitions ?? 3,
    replicationFactor: rf,
    // Immutable trail: delete policy (never compaction), unlimited time and size.
    configEntries: {
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'min.insync.replicas': minIsr,
      'unclean.leader.election.enable': 'false',
      'message.timestamp.type': 'CreateTime',
    },
  };
  const checkpoints: TopicSpec = { ...audit, topic: AUDIT_CHECKPOINTS_TOPIC, numPartitions: 1 };
  const domain: TopicSpec = {
    topic: DOMAIN_EVENTS_TOPIC,
    numPartitions: 3,
    replicationFactor: rf,
    configEntries: {
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * 24 * 3600_000),
      'min.insync.replicas': minIsr,
    },
  };
  // Sealed one-time codes and links are useless after an hour; keep them no longer than needed.
  const dispatch: TopicSpec = {
    topic: NOTIFICATIONS_DISPATCH_TOPIC,
    numPartitions: 3,
    replicationFactor: rf,
    configEntries: { 'cleanup.policy': 'delete', 'retention.ms': String(3600_000), 'min.insync.replicas': minIsr },
  };
  const consents: TopicSpec = {
    topic: PRIVACY_CONSENTS_TOPIC,
    numPartitions: 3,
    replicationFactor: rf,
    configEntries: { 'cleanup.policy': 'delete', 'retention.ms': String(24 * 3600_000), 'min.insync.replicas': minIsr },
  };
  const rights: TopicSpec = { ...consents, topic: PRIVACY_RIGHTS_TOPIC };
  const tenantDataEvents: TopicSpec = { ...domain, topic: TENANT_DATA_EVENTS_TOPIC };
  const identityEvents: TopicSpec = { ...domain, topic: IDENTITY_EVENTS_TOPIC };
  const jwks: TopicSpec = {
    topic: IDENTITY_JWKS_TOPIC,
    numPartitions: 1,
    replicationFactor: rf,
    configEntries: { 'cleanup.policy': 'compact', 'min.insync.replicas': minIsr },
  };
  const entitlements: TopicSpec = { ...jwks, topic: BILLING_ENTITLEMENTS_TOPIC, numPartitions: 3 };
  const usage: TopicSpec = { ...domain, topic: BILLING_USAGE_TOPIC };
  // Request/reply topics hold transient messages only: an hour is plenty. One request topic per
  // service (keyed by call ID) and one reply topic shared by every caller.
  const transient = { 'cleanup.policy': 'delete', 'retention.ms': String(3600_000), 'min.insync.replicas': minIsr };
  const rpc: TopicSpec[] = [
    ...rpcServices().map((service) => ({
      topic: rpcRequestTopic(service),
      numPartitions: opts.rpcPartitions ?? RPC_REQUEST_PARTITIONS,
      replicationFactor: rf,
      configEntries: transient,
    })),
    { topic: RPC_REPLIES_TOPIC, numPartitions: RPC_REPLY_PARTITIONS, replicationFactor: rf, configEntries: transient },
  ];
  return [
    audit,
    checkpoints,
    domain,
    tenantDataEvents,
    identityEvents,
    dispatch,
    consents,
    rights,
    jwks,
    entitlements,
    usage,
    ...rpc,
  ];
}
