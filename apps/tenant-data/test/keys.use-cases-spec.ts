import { jest } from '@jest/globals';
import { CustomerOps, TenantKeyOps } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { Reencryptor } from '../src/keys/reencryptor.js';
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

  it('the re-encryption sweep skips an erased tenant and unwraps an unchanged one-version keyset once', async () => {
    const [erased, rotated, single] = [0, 1, 2].map(() => td.tenantCaller(['owner']));
    for (const owner of [erased, rotated, single]) await td.call(CustomerOps.create, { name: 'Asha' }, owner);
    const keyring = td.get(TenantKeyring);
    await keyring.destroy(erased.tenantId);
    await keyring.rotate(rotated.tenantId);
    const reencryptor = td.get(Reencryptor);
    const pass = jest.spyOn(reencryptor, 'pass');
    const keysFor = jest.spyOn(keyring, 'keysFor');
    try {
      await reencryptor.sweep();
      const unwrapped = (id: string) => keysFor.mock.calls.filter(([t]) => t === id).length;
      // The erased tenant is not visited (its keys are gone); the rotated one is re-encrypted all the same.
      expect(unwrapped(erased.tenantId)).toBe(0);
      expect(pass.mock.calls.map(([t]) => t)).toContain(rotated.tenantId);
      expect(unwrapped(single.tenantId)).toBe(1);
      // Next sweep: the single-version keyset's stored bytes did not change, so it is not unwrapped again.
      await reencryptor.sweep();
      expect(unwrapped(single.tenantId)).toBe(1);
      // A rotation rewrites them: the sweep finds the second version.
      await keyring.rotate(single.tenantId);
      await reencryptor.sweep();
      expect(pass.mock.calls.map(([t]) => t)).toContain(single.tenantId);
    } finally {
      pass.mockRestore();
      keysFor.mockRestore();
    }
  });
});
