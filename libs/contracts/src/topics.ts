import { allRpcPatterns } from './rpc.js';

export const AUDIT_EVENTS_TOPIC = 'audit.events.v1';
export const AUDIT_CHECKPOINTS_TOPIC = 'audit.checkpoints.v1';
export const DOMAIN_EVENTS_TOPIC = 'platform.events.v1';
/** Messages for notifications to deliver (OTP, reset links, invitations, alerts); payloads sealed. */
export const NOTIFICATIONS_DISPATCH_TOPIC = 'notifications.dispatch.v1';
/** Identity's current JWKS (public keys only, sealed with the bus key); compacted, latest record wins. */
export const IDENTITY_JWKS_TOPIC = 'identity.jwks.v1';

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
  const jwks: TopicSpec = {
    topic: IDENTITY_JWKS_TOPIC,
    numPartitions: 1,
    replicationFactor: rf,
    configEntries: { 'cleanup.policy': 'compact', 'min.insync.replicas': minIsr },
  };
  // Request/reply topics hold transient messages only: an hour is plenty.
  const rpc = allRpcPatterns().flatMap((pattern) =>
    [pattern, `${pattern}.reply`].map((topic) => ({
      topic,
      numPartitions: opts.rpcPartitions ?? 3,
      replicationFactor: rf,
      configEntries: { 'cleanup.policy': 'delete', 'retention.ms': String(3600_000), 'min.insync.replicas': minIsr },
    })),
  );
  return [audit, checkpoints, domain, dispatch, jwks, ...rpc];
}
