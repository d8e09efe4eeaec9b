import { CustomerOps, RecordOps } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { startTenantData } from './tenant-data-harness.js';

describe('records (use cases on a real database)', () => {
  let td: UseCaseHarness;
  beforeAll(async () => {
    td = await startTenantData();
  });
  afterAll(async () => {
    await td?.stop();
  });

  it('defines a type from a template; writes, reads, changes, lists, deletes a record; each audited', async () => {
    const owner = td.tenantCaller(['owner']);
    const templates = await td.call(RecordOps.templates, {}, owner);
    expect(templates.items.map((t) => t.key)).toContain('water_delivery');
    const type = await td.call(RecordOps.createType, { key: 'delivery', template: 'water_delivery' }, owner);
    expect(type).toMatchObject({ key: 'delivery', version: 1 });
    const customer = await td.call(CustomerOps.create, { name: 'Asha' }, owner);
    const data = { cans: 2, deliveredAt: '2026-11-30T08:00:00.000Z', paymentStatus: 'unpaid' };
    const record = await td.call(RecordOps.create, { type: 'delivery', customerId: customer.id, data }, owner);
    expect(record).toMatchObject({ type: 'delivery', customerId: customer.id, data: { cans: 2 } });
    expect(await td.call(RecordOps.get, { id: record.id }, owner)).toEqual(record);
    const changed = await td.call(RecordOps.update, { id: record.id, patch: { data: { cans: 3 } } }, owner);
    expect(changed.data.cans).toBe(3);
    expect((await td.call(RecordOps.list, {}, owner)).items.map((r) => r.id)).toEqual([record.id]);
    const history = await td.call(RecordOps.history, { id: record.id }, owner);
    expect(history.items.map((h) => h.action)).toEqual(['update', 'create']);
    await td.call(RecordOps.delete, { id: record.id }, owner);
    await expect(td.call(RecordOps.get, { id: record.id }, owner)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const audited = (await td.auditRecords(owner.ctx.requestId)).filter((e) => e.resource.type === 'record');
    expect(audited.map((e) => [e.action, e.outcome])).toEqual([
      ['create', 'allowed'],
      ['read', 'allowed'],
      ['update', 'allowed'],
      ['list', 'allowed'],
      ['delete', 'allowed'],
      ['read', 'denied'],
    ]);
  });

  it('refuses a record of an unknown type and a role that may not write records', async () => {
    const owner = td.tenantCaller(['owner']);
    await expect(td.call(RecordOps.create, { type: 'nothing', data: {} }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'RECORD_TYPE_NOT_FOUND',
      details: [{ path: 'type', message: 'not found' }],
    });
    await td.call(RecordOps.createType, { key: 'job', template: 'job' }, owner);
    const viewer = td.callerIn(owner.tenantId, ['viewer']);
    await expect(td.call(RecordOps.create, { type: 'job', data: {} }, viewer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await td.auditRecords(viewer.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['create', 'denied', 'forbidden'],
    ]);
    expect((await td.call(RecordOps.list, {}, owner)).items).toEqual([]);
  });
});
