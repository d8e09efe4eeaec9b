import { randomUUID } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { DirectAuditPublisher } from '@lekha/audit';
import {
  CustomerOps,
  DomainError,
  httpStatusOf,
  PaymentOps,
  PrivacyOps,
  RetentionOps,
  StaffOps,
  SubscriptionOps,
  TenantOps,
  type AnyOperation,
  type TenantStanding,
} from '@lekha/contracts';
import { anonymousContext, runWithContext, type RequestContext } from '@lekha/tenancy';
import { RequireOperation } from '../operations/operation-access.js';
import { PermissionGuard, RequirePermission } from './permissions.js';
import type { RevocationList } from './revocation-list.js';

type Outcome = 'allowed' | 402 | 403;

/**
 * The one read-only check: the gateway's PermissionGuard refuses a tenant's write from identity's
 * standing of the tenant, driven by the operation's declaration (action, `whileReadOnly`, platform-only),
 * and records the refusal. Each row is an operation (through RequireOperation, as every route gets it)
 * and what happens while the tenant is active, restricted and cancelled.
 */
describe('PermissionGuard: a read-only tenant’s writes', () => {
  const tenantId = randomUUID();
  const rows: [string, AnyOperation, Outcome, Outcome, Outcome][] = [
    // operation                                   active     restricted cancelled
    ['create', CustomerOps.create, 'allowed', 402, 403],
    ['update', CustomerOps.update, 'allowed', 402, 403],
    ['permission_change', StaffOps.changeRole, 'allowed', 402, 403],
    ['create (import)', CustomerOps.stageImport, 'allowed', 402, 403],
    ['read', CustomerOps.get, 'allowed', 'allowed', 'allowed'],
    ['list', CustomerOps.list, 'allowed', 'allowed', 'allowed'],
    ['export', CustomerOps.export, 'allowed', 'allowed', 'allowed'],
    ['delete (a person’s erasure)', CustomerOps.delete, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: staff removal', StaffOps.deactivate, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: plan change (pay)', SubscriptionOps.change, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: subscription cancel', SubscriptionOps.cancel, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: payment order', PaymentOps.createOrder, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: payment verify', PaymentOps.verify, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: tenant cancel', RetentionOps.cancel, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: reactivate', RetentionOps.reactivate, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: retention put', RetentionOps.putRetention, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: tenant erase', TenantOps.erase, 'allowed', 'allowed', 'allowed'],
    ['whileReadOnly: consent withdrawal', PrivacyOps.withdrawConsent, 'allowed', 'allowed', 'allowed'],
  ];
  const standings: TenantStanding[] = ['active', 'restricted', 'cancelled'];
  const cases = rows.flatMap(([what, op, ...outcomes]) =>
    standings.map((standing, i) => [what, op.name, standing, outcomes[i]!, op] as const),
  );

  /** Runs the guard for `op`'s route as `ctx`, the tenant in `standing`: the outcome and what was audited. */
  async function decide(need: MethodDecorator, standing: TenantStanding, ctx: RequestContext) {
    const audited: Record<string, unknown>[] = [];
    const audit = { record: async (e: Record<string, unknown>) => void audited.push(e) };
    const asked: string[] = [];
    const revocations = {
      standing: async (id: string) => {
        asked.push(id);
        return standing;
      },
    };
    const guard = new PermissionGuard(
      new Reflector(),
      audit as unknown as DirectAuditPublisher,
      revocations as unknown as RevocationList,
    );
    const handler = () => undefined;
    need({}, 'route', { value: handler });
    const context = { getHandler: () => handler } as unknown as ExecutionContext;
    try {
      expect(await runWithContext(ctx, () => guard.canActivate(context))).toBe(true);
      return { outcome: 'allowed' as Outcome, audited, asked };
    } catch (err) {
      const e = err as DomainError;
      return { outcome: httpStatusOf(e.code) as Outcome, reason: e.reason, message: e.message, audited, asked };
    }
  }

  const owner = () => anonymousContext({ tenantId, actorId: randomUUID(), actorType: 'user', roles: ['owner'] });

  it.each(cases)('%s (%s) while %s: %s', async (_what, _name, standing, expected, op) => {
    const got = await decide(RequireOperation(op), standing, owner());
    expect(got.outcome).toBe(expected);
    if (expected === 'allowed') {
      expect(got.audited).toEqual([]);
      return;
    }
    const reason = expected === 402 ? 'BILLING_TENANT_RESTRICTED' : 'TENANT_READ_ONLY';
    expect(got.reason).toBe(reason);
    expect(got.message).toMatch(/read-only/);
    expect(got.audited).toEqual([
      {
        action: op.audit.action,
        resource: { type: op.audit.resourceType, id: null },
        outcome: 'denied',
        reason: expected === 402 ? 'tenant_restricted' : 'tenant_read_only',
      },
    ]);
  });

  it('an operation only the platform may call is never the tenant’s write (billing’s tick)', async () => {
    const platform = anonymousContext({
      tenantId,
      actorId: randomUUID(),
      actorType: 'user',
      roles: ['platform:admin'],
    });
    for (const standing of standings)
      expect((await decide(RequireOperation(SubscriptionOps.tick), standing, platform)).outcome).toBe('allowed');
  });

  it('without a tenant in the token the standing is not asked', async () => {
    const platform = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:admin'] });
    const got = await decide(RequireOperation(SubscriptionOps.tick), 'cancelled', platform);
    expect(got).toMatchObject({ outcome: 'allowed', asked: [] });
  });

  it('the hand-written audit export is served while restricted and cancelled', async () => {
    const need = RequirePermission(['audit:read:tenant', 'audit:read:platform'], {
      action: 'export',
      resource: 'audit_event',
    });
    for (const standing of standings) expect((await decide(need, standing, owner())).outcome).toBe('allowed');
  });

  it('a role that may not write is refused for the role first (403 FORBIDDEN), whatever the standing', async () => {
    const viewer = anonymousContext({ tenantId, actorId: randomUUID(), actorType: 'user', roles: ['viewer'] });
    const got = await decide(RequireOperation(CustomerOps.create), 'restricted', viewer);
    expect(got).toMatchObject({ outcome: 403, reason: 'ACCESS_PERMISSION_MISSING', asked: [] });
  });
});
