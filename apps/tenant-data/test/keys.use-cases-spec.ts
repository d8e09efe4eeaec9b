import { CustomerOps, TenantKeyOps } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { startTenantData } from './tenant-data-harness.js';

describe('tenant keys (use cases on a real database)', () => {
  let td: UseCaseHarness;
  beforeAll(async () => {
    td = await startTenantData();
  });
  afterAll(async () => {
    await td?.stop();
  });

  it('rotates the tenant key: a second version, and the status shows it', async () => {
    const owner = td.tenantCaller(['owner']);
    await td.call(CustomerOps.create, { name: 'Asha' }, owner);
    const before = await td.call(TenantKeyOps.status, {}, owner);
    expect(before).toMatchObject({ current: 1, staleValues: 0 });
    expect(before.versions).toHaveLength(1);
    const rotated = await td.call(TenantKeyOps.rotate, {}, owner);
    expect(rotated.version).toBe(2);
    const after = await td.call(TenantKeyOps.status, {}, owner);
    expect(after.versions.map((v) => v.version)).toEqual([1, 2]);
    const audited = await td.auditRecords(owner.ctx.requestId);
    expect(audited.filter((e) => e.resource.type === 'tenant_key').map((e) => [e.action, e.reason ?? null])).toEqual([
      ['read', null],
      ['update', 'rotation_requested'],
      ['read', null],
    ]);
  });

  it('refuses a rotation by an API key whatever its scopes, and by a role without the permission', async () => {
    const owner = td.tenantCaller(['owner']);
    const key = td.callerIn(owner.tenantId, ['owner'], { actorType: 'api_key', scopes: ['tenant:keys:manage'] });
    await expect(td.call(TenantKeyOps.rotate, {}, key)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const admin = td.callerIn(owner.tenantId, ['admin']);
    await expect(td.call(TenantKeyOps.rotate, {}, admin)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await td.call(TenantKeyOps.status, {}, owner)).versions).toHaveLength(1);
    expect((await td.auditRecords(key.ctx.requestId)).map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'person_required'],
    ]);
    expect((await td.auditRecords(admin.ctx.requestId)).map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'forbidden'],
    ]);
  });
});
