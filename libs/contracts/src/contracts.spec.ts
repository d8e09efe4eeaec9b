import { ErrorCodes, httpStatusOf } from './errors.js';
import { auditEventV1Schema } from './audit-event.js';
import { signupRequestSchema } from './auth.js';
import { topicPlan, AUDIT_EVENTS_TOPIC, RPC_REPLIES_TOPIC, rpcRequestTopic } from './topics.js';
import { allRpcPatterns, rpcServiceOf } from './rpc.js';
import { uuidv7 } from './ids.js';

const event = {
  schema: 'lekha.audit/1',
  eventId: uuidv7(),
  occurredAt: new Date().toISOString(),
  service: 'tenant-data',
  tenantId: uuidv7(),
  actor: { type: 'user', id: 'u1', roles: ['owner'] },
  action: 'read',
  resource: { type: 'customer', id: 'c1' },
  subjectIds: ['c1'],
  outcome: 'allowed',
  purpose: 'service_delivery',
  fields: [{ name: 'phone', category: 'user.contact.phone' }],
  requestId: 'r1',
  traceId: 't1',
};

describe('contracts', () => {
  it('maps every error code to a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCodes)) {
      const status = httpStatusOf(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(httpStatusOf('NOT_FOUND')).toBe(404);
    expect(httpStatusOf('AUDIT_UNAVAILABLE')).toBe(503);
  });

  it('accepts a well-formed audit event and refuses one carrying extra (possibly personal) fields', () => {
    expect(auditEventV1Schema.safeParse(event).success).toBe(true);
    expect(auditEventV1Schema.safeParse({ ...event, phone: '+919876543210' }).success).toBe(false);
    expect(auditEventV1Schema.safeParse({ ...event, actor: { ...event.actor, email: 'a@b.in' } }).success).toBe(false);
    expect(auditEventV1Schema.safeParse({ ...event, action: 'peek' }).success).toBe(false);
  });

  it('normalises signup input and names the bad field', () => {
    const ok = signupRequestSchema.parse({
      business: { name: ' Jal Mitra ', stateCode: '27', gstin: '27aapfu0939f1zv' },
      owner: {
        name: 'Asha',
        email: 'Asha@Example.IN',
        phone: '98765 43210',
        password: 'a long passphrase',
        ageConfirmed: true,
      },
    });
    expect(ok.owner.email).toBe('asha@example.in');
    expect(ok.owner.phone).toBe('+919876543210');
    expect(ok.business.gstin).toBe('27AAPFU0939F1ZV');
    const bad = signupRequestSchema.safeParse({ business: { name: 'x', stateCode: '99' }, owner: {} });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toContain('business.stateCode');
  });

  it('plans an immutable audit topic, a request topic per service and one shared reply topic', () => {
    const plan = topicPlan({ replicationFactor: 3, minInsyncReplicas: 2 });
    const audit = plan.find((t) => t.topic === AUDIT_EVENTS_TOPIC)!;
    expect(audit.configEntries).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'min.insync.replicas': '2',
    });
    expect(audit.replicationFactor).toBe(3);
    for (const p of allRpcPatterns()) {
      const topic = plan.find((t) => t.topic === rpcRequestTopic(rpcServiceOf(p)));
      expect(topic?.numPartitions).toBe(6);
      expect(plan.some((t) => t.topic === p || t.topic === `${p}.reply`)).toBe(false);
    }
    const rpcTopics = plan.filter((t) => t.topic.startsWith('rpc.')).map((t) => t.topic);
    expect(rpcTopics.sort()).toEqual(
      [
        'rpc.billing.v1',
        'rpc.compliance.v1',
        'rpc.identity.v1',
        'rpc.notifications.v1',
        'rpc.replies.v1',
        'rpc.tenant-data.v1',
      ].sort(),
    );
    expect(plan.find((t) => t.topic === RPC_REPLIES_TOPIC)).toMatchObject({
      numPartitions: 32,
      replicationFactor: 3,
      configEntries: { 'cleanup.policy': 'delete', 'min.insync.replicas': '2' },
    });
  });

  it('makes time-ordered version 7 UUIDs', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
});
