import { CustomerOps, DomainError } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { startTenantData } from './tenant-data-harness.js';

describe('customers (use cases on a real database)', () => {
  let td: UseCaseHarness;
  beforeAll(async () => {
    td = await startTenantData();
  });
  afterAll(async () => {
    await td?.stop();
  });

  it('creates, reads, updates, lists and deletes a customer, each access audited', async () => {
    const owner = td.tenantCaller(['owner']);
    const created = await td.call(CustomerOps.create, { name: 'Asha Rao', phone: '+919812345678' }, owner);
    expect(created).toMatchObject({ name: 'Asha Rao', phone: '+919812345678', tags: [] });
    expect(await td.call(CustomerOps.get, { id: created.id }, owner)).toEqual(created);
    const updated = await td.call(CustomerOps.update, { id: created.id, patch: { notes: 'prefers mornings' } }, owner);
    expect(updated.notes).toBe('prefers mornings');
    const page = await td.call(CustomerOps.list, {}, owner);
    expect(page.items.map((c) => c.id)).toEqual([created.id]);
    const history = await td.call(CustomerOps.history, { id: created.id }, owner);
    expect(history.items.map((h) => h.action)).toEqual(['update', 'create']);
    expect(await td.call(CustomerOps.delete, { id: created.id }, owner)).toEqual({ id: created.id, deleted: true });
    await expect(td.call(CustomerOps.get, { id: created.id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'CUSTOMER_NOT_FOUND',
    });
    const audited = await td.auditRecords(owner.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.outcome])).toEqual([
      ['create', 'customer', 'allowed'],
      ['read', 'customer', 'allowed'],
      ['update', 'customer', 'allowed'],
      ['list', 'customer', 'allowed'],
      ['read', 'customer_history', 'allowed'],
      ['delete', 'customer', 'allowed'],
      ['read', 'customer', 'denied'],
    ]);
  });

  it('refuses a role without the permission, audited as denied, and writes nothing', async () => {
    const owner = td.tenantCaller(['owner']);
    const viewer = td.callerIn(owner.tenantId, ['viewer']);
    const refused = td.call(CustomerOps.create, { name: 'Ravi' }, viewer);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await td.call(CustomerOps.list, {}, owner)).items).toEqual([]);
    const audited = await td.auditRecords(viewer.ctx.requestId);
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'create',
        outcome: 'denied',
        reason: 'forbidden',
        resource: { type: 'customer', id: null },
      }),
    ]);
  });

  it('refuses a phone another customer of the tenant holds (409 naming the field)', async () => {
    const owner = td.tenantCaller(['owner']);
    await td.call(CustomerOps.create, { name: 'Meena', phone: '+919800000001' }, owner);
    await expect(td.call(CustomerOps.create, { name: 'Other', phone: '+919800000001' }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: [{ path: 'phone', message: 'a customer with this phone exists already' }],
    });
  });

  it('never shows one tenant’s customer to another (a 404, as for an unknown id)', async () => {
    const a = td.tenantCaller(['owner']);
    const b = td.tenantCaller(['owner']);
    const mine = await td.call(CustomerOps.create, { name: 'Kiran' }, a);
    await expect(td.call(CustomerOps.get, { id: mine.id }, b)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await td.call(CustomerOps.list, {}, b)).items).toEqual([]);
  });

  it('validates the request with the operation’s schema before any use case runs', async () => {
    const owner = td.tenantCaller(['owner']);
    await expect(td.call(CustomerOps.create, { name: '' }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await td.auditRecords(owner.ctx.requestId)).toEqual([]);
  });
});
