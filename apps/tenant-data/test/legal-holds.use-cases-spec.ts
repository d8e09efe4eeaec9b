import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { CustomerOps, DomainError } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { LegalHolds } from '../src/legal-holds/legal-holds.js';
import { startTenantData } from './tenant-data-harness.js';

/** A customer's erasure against legal holds; compliance's answer is faked at the port (no broker here). */
describe('customer erasure under a legal hold (use cases on a real database)', () => {
  let td: UseCaseHarness;
  let standing: Map<string, string[]>;
  let asked: { tenantId: string; customerId: string }[];
  beforeAll(async () => {
    td = await startTenantData({ LEGAL_HOLD_CHECK: 'on' });
  });
  afterAll(async () => {
    await td?.stop();
  });
  beforeEach(() => {
    standing = new Map();
    asked = [];
    jest.spyOn(td.app.get(LegalHolds), 'standing').mockImplementation(async (tenantId, customerId) => {
      asked.push({ tenantId, customerId });
      return standing.get(customerId) ?? [];
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('a hold refuses the erasure (409 CUSTOMER_LEGAL_HOLD, audited as denied); lifted, it proceeds', async () => {
    const owner = td.tenantCaller(['owner']);
    const c = await td.call(CustomerOps.create, { name: 'Meera Held', phone: '+919812311111' }, owner);
    const hold = randomUUID();
    standing.set(c.id, [hold]);
    const refused = td.call(CustomerOps.delete, { id: c.id }, owner);
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT', reason: 'CUSTOMER_LEGAL_HOLD' });
    expect(asked).toEqual([{ tenantId: owner.tenantId, customerId: c.id }]);
    const denied = (await td.auditRecords(owner.ctx.requestId)).filter((e) => e.outcome === 'denied');
    expect(denied).toEqual([
      expect.objectContaining({
        action: 'delete',
        reason: `legal_hold:${hold}`,
        resource: expect.objectContaining({ id: c.id }),
      }),
    ]);
    // Still there.
    expect((await td.call(CustomerOps.get, { id: c.id }, owner)).name).toBe('Meera Held');

    standing.delete(c.id);
    expect(await td.call(CustomerOps.delete, { id: c.id }, td.callerIn(owner.tenantId, ['owner']))).toEqual({
      id: c.id,
      deleted: true,
    });
  });

  it('fails closed: when compliance cannot answer, nothing is erased (503)', async () => {
    const owner = td.tenantCaller(['owner']);
    const c = await td.call(CustomerOps.create, { name: 'Kiran Waits', phone: '+919812322222' }, owner);
    jest
      .spyOn(td.app.get(LegalHolds), 'standing')
      .mockRejectedValue(new DomainError('SERVICE_UNAVAILABLE', 'compliance cannot be reached to check legal holds'));
    await expect(td.call(CustomerOps.delete, { id: c.id }, owner)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect((await td.call(CustomerOps.get, { id: c.id }, owner)).id).toBe(c.id);
  });
});
