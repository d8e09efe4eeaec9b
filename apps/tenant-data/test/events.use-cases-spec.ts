import { CustomerOps, RecordOps, TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { BusSeal } from '@lekha/runtime';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { startTenantData } from './tenant-data-harness.js';

/**
 * Tenant-data's domain events: written sealed into the outbox in the transaction of the change (the
 * broker is unreachable here, so they wait there), and the customer contact operation notifications
 * calls to address a message by customer ID.
 */
describe('tenant-data events and the customer contact (use cases on a real database)', () => {
  let td: UseCaseHarness;
  beforeAll(async () => {
    td = await startTenantData();
  });
  afterAll(async () => {
    await td?.stop();
  });

  const outbox = async (tenantId: string) => {
    const rows = await td.app
      .get(Database)
      .em()
      .execute<{ sealed: string }[]>(`select sealed from tenant_data.event_outbox where tenant_id = ? order by id`, [
        tenantId,
      ]);
    const seal = td.app.get<BusSeal>(BusSeal);
    return rows.map((r) => ({
      raw: r.sealed,
      event: tenantDataEventSchema.parse(seal.openRecord(TENANT_DATA_EVENTS_TOPIC, r.sealed)),
    }));
  };

  it('P50: record created, updated, deleted → sealed events with type, time fields and customer', async () => {
    const owner = td.tenantCaller(['owner']);
    const customer = await td.call(CustomerOps.create, { name: 'Asha Rao', phone: '+919812345678' }, owner);
    await td.call(RecordOps.createType, { key: 'visit', template: 'appointment' }, owner);
    const startsAt = '2026-12-10T05:00:00.000Z';
    const record = await td.call(
      RecordOps.create,
      { type: 'visit', customerId: customer.id, data: { service: 'Cleaning', startsAt, sensitiveNotes: 'asthma' } },
      owner,
    );
    await td.call(
      RecordOps.update,
      { id: record.id, patch: { data: { startsAt: '2026-12-11T05:00:00.000Z' } } },
      owner,
    );
    // Nothing changed: no event.
    await td.call(RecordOps.update, { id: record.id, patch: { data: { service: 'Cleaning' } } }, owner);
    await td.call(RecordOps.delete, { id: record.id }, owner);
    const events = await outbox(owner.tenantId);
    expect(events.map((e) => e.event.type === 'record.changed' && e.event.change)).toEqual([
      'created',
      'updated',
      'deleted',
    ]);
    expect(events[0]!.event).toMatchObject({
      recordId: record.id,
      recordType: 'visit',
      customerId: customer.id,
      fields: { service: 'Cleaning', startsAt },
      customer: { name: 'Asha Rao', phone: '+919812345678', email: null },
    });
    // Personal record fields never travel; nothing is readable in the outbox.
    expect(JSON.stringify(events[0]!.event)).not.toContain('asthma');
    for (const { raw } of events) {
      expect(raw).not.toContain('Asha');
      expect(raw).not.toContain(customer.id);
    }
    const ids = events.map((e) => e.event.eventId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('P23: a customer’s deletion publishes customer.erased in the same transaction', async () => {
    const owner = td.tenantCaller(['owner']);
    const customer = await td.call(CustomerOps.create, { name: 'Ravi' }, owner);
    await td.call(CustomerOps.delete, { id: customer.id }, owner);
    expect((await outbox(owner.tenantId)).map((e) => e.event)).toEqual([
      expect.objectContaining({ type: 'customer.erased', tenantId: owner.tenantId, customerId: customer.id }),
    ]);
    // A refused deletion (unknown customer) publishes nothing.
    await expect(td.call(CustomerOps.delete, { id: customer.id }, owner)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await outbox(owner.tenantId)).toHaveLength(1);
  });

  it('P50: a customer’s new phone or email → a sealed customer.changed; other fields → none', async () => {
    const owner = td.tenantCaller(['owner']);
    const customer = await td.call(CustomerOps.create, { name: 'Kiran', phone: '+919812300001' }, owner);
    await td.call(CustomerOps.update, { id: customer.id, patch: { phone: '+919812300002' } }, owner);
    await td.call(CustomerOps.update, { id: customer.id, patch: { phone: '+919812300002' } }, owner);
    await td.call(CustomerOps.update, { id: customer.id, patch: { email: 'kiran@example.in' } }, owner);
    const events = await outbox(owner.tenantId);
    expect(events.map((e) => e.event)).toEqual([
      expect.objectContaining({
        type: 'customer.changed',
        customerId: customer.id,
        customer: { name: 'Kiran', phone: '+919812300002', email: null },
      }),
      expect.objectContaining({
        type: 'customer.changed',
        customer: { name: 'Kiran', phone: '+919812300002', email: 'kiran@example.in' },
      }),
    ]);
    for (const { raw } of events) expect(raw).not.toMatch(/9812300002|kiran@/);
  });

  it('answers a customer’s contact to a caller who may send, audited; 404 and 403 otherwise', async () => {
    const owner = td.tenantCaller(['owner']);
    const customer = await td.call(
      CustomerOps.create,
      { name: 'Meena', phone: '+919800000001', email: 'meena@example.com' },
      owner,
    );
    const staff = td.callerIn(owner.tenantId, ['staff']);
    expect(await td.call(CustomerOps.contact, { id: customer.id }, staff)).toEqual({
      id: customer.id,
      name: 'Meena',
      phone: '+919800000001',
      email: 'meena@example.com',
    });
    const audited = await td.auditRecords(staff.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.resource.id, e.outcome])).toEqual([
      ['read', 'customer', customer.id, 'allowed'],
    ]);
    expect(audited[0]!.fields.map((f) => f.name)).toEqual(['name', 'phone', 'email']);
    const other = td.tenantCaller(['owner']);
    await expect(td.call(CustomerOps.contact, { id: customer.id }, other)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      td.call(CustomerOps.contact, { id: customer.id }, td.callerIn(owner.tenantId, ['caretaker'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
  it('answers a customer’s contact to a service for a breach notice, audited in the tenant; no one else', async () => {
    const owner = td.tenantCaller(['owner']);
    const customer = await td.call(CustomerOps.create, { name: 'Asha', phone: '+919800000002' }, owner);
    const service = td.callerIn(owner.tenantId, [], { actorType: 'service', actorId: 'notifications', tenantId: null });
    expect(await td.call(CustomerOps.noticeContact, { tenantId: owner.tenantId, id: customer.id }, service)).toEqual({
      id: customer.id,
      name: 'Asha',
      phone: '+919800000002',
      email: null,
    });
    const audited = await td.auditRecords(service.ctx.requestId);
    expect(audited.map((e) => [e.tenantId, e.action, e.resource.id, e.subjectIds, e.reason])).toEqual([
      [owner.tenantId, 'read', customer.id, [customer.id], 'platform_notice'],
    ]);
    await expect(
      td.call(CustomerOps.noticeContact, { tenantId: owner.tenantId, id: customer.id }, owner),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const elsewhere = td.tenantCaller(['owner']).tenantId;
    await expect(
      td.call(CustomerOps.noticeContact, { tenantId: elsewhere, id: customer.id }, service),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
