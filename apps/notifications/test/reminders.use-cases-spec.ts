import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  NotificationOps,
  uuidv7,
  type PlatformEvent,
  type RecordChangedEvent,
  type StaffContactEvent,
} from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import { Database } from '@lekha/persistence';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { Clock } from '../src/common/clock.js';
import { Dispatcher } from '../src/outbound/dispatcher.js';
import { ProviderRegistry } from '../src/outbound/provider-registry.js';
import { CustomerDirectory } from '../src/recipients/customer-directory.js';
import { CustomerErasure } from '../src/reminders/customer-erasure.js';
import { RecordReminders } from '../src/reminders/record-reminders.js';
import { ReminderRecipients } from '../src/reminders/reminder-recipients.js';
import { FakeProvider, startNotifications } from './notifications-harness.js';

const PHONE = '+919812345678';
const NOW = new Date('2026-12-01T04:30:00.000Z'); // 10:00 IST
const STARTS = '2026-12-05T05:00:00.000Z'; // 10:30 IST
const hours = (iso: string, h: number) => new Date(Date.parse(iso) + h * 3_600_000).toISOString();

describe('reminders, recipients by customer ID and customer erasure (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let msg91: FakeProvider;
  const published: PlatformEvent[] = [];

  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    jest.spyOn(h.get(Clock), 'now').mockReturnValue(NOW);
    // No broker here: what would go out on platform.events.v1 is kept.
    jest.spyOn(PlatformEvents.prototype, 'publish').mockImplementation((...events: PlatformEvent[]) => {
      published.push(...events);
      return Promise.resolve();
    });
    const registry = h.get(ProviderRegistry);
    registry.register(new FakeProvider('msg91', ['sms']));
    await h.get(Dispatcher).drain();
    msg91 = new FakeProvider('msg91', ['sms']);
    registry.register(msg91);
  });
  afterEach(() => jest.restoreAllMocks());

  async function tenant(): Promise<Caller> {
    const owner = h.tenantCaller(['owner']);
    await h.call(
      NotificationOps.putSettings,
      { peId: '1101234567890123456', headers: ['LEKHAS'], providers: { sms: ['msg91'] } },
      owner,
    );
    await h.call(
      NotificationOps.registerTemplate,
      {
        key: 'appt',
        channel: 'sms',
        category: 'service_implicit',
        header: 'LEKHAS',
        dltTemplateId: '1107161234567890123',
        text: 'Dear {#var#}, your visit is at {#var#}. -Lekha',
      },
      owner,
    );
    await h.call(
      NotificationOps.putReminders,
      {
        rules: [
          {
            key: 'visit-reminder',
            recordType: 'appointment',
            field: 'startsAt',
            offsets: ['-24h', '-2h'],
            template: 'appt',
            recipient: 'customer',
            variables: ['customer.name', 'startsAt'],
          },
        ],
      },
      owner,
    );
    return owner;
  }

  const recordEvent = (tenantId: string, over: Partial<RecordChangedEvent> = {}): RecordChangedEvent => ({
    type: 'record.changed',
    eventId: uuidv7(),
    tenantId,
    recordId: randomUUID(),
    change: 'created',
    recordType: 'appointment',
    customerId: randomUUID(),
    assigneeUserId: null,
    previousAssigneeUserId: null,
    fields: { service: 'Cleaning', startsAt: STARTS },
    customer: { name: 'Asha', phone: PHONE, email: null },
    occurredAt: NOW.toISOString(),
    ...over,
  });
  const ofRecord = async (owner: Caller, recordId: string) =>
    (await h.call(NotificationOps.listMessages, { recordId, limit: 50 }, owner)).items;

  it('reminder rules: replaced and read back; a rule naming an unregistered template is refused', async () => {
    const owner = await tenant();
    const got = await h.call(NotificationOps.getReminders, {}, owner);
    expect(got.rules.map((r) => [r.key, r.field, r.offsets])).toEqual([
      ['visit-reminder', 'startsAt', ['-24h', '-2h']],
    ]);
    await expect(
      h.call(
        NotificationOps.putReminders,
        { rules: [{ ...got.rules[0]!, key: 'x', template: 'nope', recipient: 'customer' }] },
        owner,
      ),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'NOTIFICATION_TEMPLATE_NOT_FOUND' });
    expect((await h.call(NotificationOps.getReminders, {}, owner)).rules).toHaveLength(1);
    await expect(
      h.call(NotificationOps.putReminders, { rules: [] }, h.callerIn(owner.tenantId, ['staff'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('P50: created → deferred at −24 h and −2 h; replayed or older events change nothing', async () => {
    const owner = await tenant();
    const event = recordEvent(owner.tenantId);
    const reminders = h.get(RecordReminders);
    expect(await reminders.apply(event)).toMatchObject({ applied: true, queued: 2, cancelled: 0 });
    const items = await ofRecord(owner, event.recordId);
    expect(items.map((m) => [m.status, m.nextAttemptAt, m.reminderRule, m.customerId]).sort()).toEqual(
      [
        ['deferred', hours(STARTS, -24), 'visit-reminder', event.customerId],
        ['deferred', hours(STARTS, -2), 'visit-reminder', event.customerId],
      ].sort(),
    );
    expect(items[0]!.recipient).toBe('+91******5678');
    expect(await reminders.apply(event)).toMatchObject({ applied: false, queued: 0 });
    const older = { ...event, eventId: uuidv7().replace(/^.{8}/, '00000000') };
    expect(await reminders.apply(older)).toMatchObject({ applied: false });
    expect(await ofRecord(owner, event.recordId)).toHaveLength(2);
    // The text is stored encrypted: the customer's name is not in the row.
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ row: string }[]>(`select m::text as row from notifications.messages m where record_id = ?`, [
        event.recordId,
      ]);
    for (const { row } of rows) expect(row).not.toContain('Asha');
  });

  it('P50: moved → pending reminders cancelled and new ones queued; deleted → cancelled', async () => {
    const owner = await tenant();
    const event = recordEvent(owner.tenantId);
    const reminders = h.get(RecordReminders);
    await reminders.apply(event);
    // A change that leaves the time alone leaves the reminders alone (nothing cancelled, nothing new).
    const unrelated = { ...event, eventId: uuidv7(), change: 'updated' as const, fields: { ...event.fields, x: 1 } };
    expect(await reminders.apply(unrelated)).toMatchObject({ applied: true, kept: 2, cancelled: 0, queued: 0 });
    const moved = hours(STARTS, 48);
    const update = { ...event, eventId: uuidv7(), change: 'updated' as const, fields: { startsAt: moved } };
    expect(await reminders.apply(update)).toMatchObject({ applied: true, cancelled: 2, queued: 2 });
    let items = await ofRecord(owner, event.recordId);
    expect(items.filter((m) => m.status === 'cancelled')).toHaveLength(2);
    expect(
      items
        .filter((m) => m.status === 'deferred')
        .map((m) => m.nextAttemptAt)
        .sort(),
    ).toEqual([hours(moved, -24), hours(moved, -2)]);
    expect(await reminders.apply({ ...update, eventId: uuidv7(), change: 'deleted' })).toMatchObject({
      cancelled: 2,
      queued: 0,
    });
    items = await ofRecord(owner, event.recordId);
    expect(items.map((m) => m.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    // Cancelled reminders are off the queue: nothing goes out when their time comes.
    jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date(Date.parse(moved) + 60_000));
    await h.get(Dispatcher).drain();
    const ids = items.map((m) => m.id);
    expect(msg91.calls.filter((c) => ids.includes(c.messageId))).toEqual([]);
  });

  it('P50: a due reminder is sent with the record’s time and the customer’s name; a past one is skipped', async () => {
    const owner = await tenant();
    // Starts in 3 h: −24 h is past (skipped), −2 h is due in an hour.
    const startsAt = hours(NOW.toISOString(), 3);
    const event = recordEvent(owner.tenantId, { fields: { startsAt } });
    expect(await h.get(RecordReminders).apply(event)).toMatchObject({ queued: 1 });
    await h.get(Dispatcher).drain();
    expect(msg91.calls).toHaveLength(0);
    jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date(Date.parse(hours(startsAt, -2)) + 1000));
    await h.get(Dispatcher).drain();
    expect(msg91.calls.map((c) => [c.to, c.text])).toEqual([
      [PHONE, 'Dear Asha, your visit is at 01-12-2026 13:00. -Lekha'],
    ]);
    expect((await ofRecord(owner, event.recordId)).map((m) => m.status)).toEqual(['sent']);
  });

  it('P23: a customer’s erasure deletes their messages and pending reminders, and is confirmed', async () => {
    const owner = await tenant();
    const event = recordEvent(owner.tenantId);
    await h.get(RecordReminders).apply(event);
    jest.spyOn(h.app.get(CustomerDirectory), 'contact').mockResolvedValue({ name: 'Asha', phone: PHONE, email: null });
    const sent = await h.call(
      NotificationOps.send,
      {
        idempotencyKey: `k-${randomUUID()}`,
        template: 'appt',
        variables: ['Asha', '10:30'],
        to: { customerId: event.customerId! },
      },
      owner,
    );
    await h.get(Dispatcher).drain();
    expect(msg91.calls).toHaveLength(1);
    const mine = await h.call(NotificationOps.listMessages, { customerId: event.customerId!, limit: 50 }, owner);
    expect(mine.items.map((m) => m.status).sort()).toEqual(['deferred', 'deferred', 'sent']);

    expect(
      await h.get(CustomerErasure).erase({
        type: 'customer.erased',
        eventId: uuidv7(),
        tenantId: owner.tenantId,
        customerId: event.customerId!,
        occurredAt: NOW.toISOString(),
      }),
    ).toBe(3);
    expect(
      (await h.call(NotificationOps.listMessages, { customerId: event.customerId!, limit: 50 }, owner)).items,
    ).toEqual([]);
    await expect(h.call(NotificationOps.getMessage, { id: sent.id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const left = await h.app
      .get(Database)
      .em()
      .execute<{ n: number }[]>(
        `select (select count(*) from notifications.provider_refs where message_id = ?)::int +
           (select count(*) from notifications.dispatch_queue where tenant_id = ?)::int as n`,
        [sent.id, owner.tenantId],
      );
    expect(left[0]!.n).toBe(0);
    expect(
      published.filter((e) => e.type === 'customer.erasure.confirmed' && e.customerId === event.customerId),
    ).toEqual([expect.objectContaining({ service: 'notifications', tenantId: owner.tenantId, deleted: 3 })]);
  });

  it('P50: a send to { customerId } alone takes the customer’s phone; unknown → 404, nothing stored', async () => {
    const owner = await tenant();
    const customerId = randomUUID();
    const contact = jest.spyOn(h.app.get(CustomerDirectory), 'contact');
    contact.mockResolvedValueOnce({ name: 'Asha', phone: PHONE, email: null });
    const sent = await h.call(
      NotificationOps.send,
      { idempotencyKey: `k-${randomUUID()}`, template: 'appt', variables: ['Asha', '10:30'], to: { customerId } },
      owner,
    );
    expect(await h.call(NotificationOps.getMessage, { id: sent.id }, owner)).toMatchObject({
      customerId,
      recipient: '+91******5678',
    });
    contact.mockResolvedValueOnce(null);
    const key = `k-${randomUUID()}`;
    const unknown = randomUUID();
    const send = () =>
      h.call(
        NotificationOps.send,
        { idempotencyKey: key, template: 'appt', variables: ['A', 'B'], to: { customerId: unknown } },
        owner,
      );
    await expect(send()).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'NOTIFICATION_CUSTOMER_NOT_FOUND' });
    expect((await h.call(NotificationOps.listMessages, { customerId: unknown, limit: 50 }, owner)).items).toEqual([]);
    // The key was released: the same request may be tried again.
    contact.mockResolvedValueOnce({ name: 'B', phone: '+919800000002', email: null });
    expect(await send()).toMatchObject({ status: 'queued' });
    // A given phone wins: no lookup.
    contact.mockClear();
    await h.call(
      NotificationOps.send,
      {
        idempotencyKey: `k-${randomUUID()}`,
        template: 'appt',
        variables: ['A', 'B'],
        to: { customerId, phone: PHONE },
      },
      owner,
    );
    expect(contact).not.toHaveBeenCalled();
  });
  /* ---- reminders to the record's assignee (a caretaker's maintenance alert) ---- */

  const CARETAKER_1 = '+919811100001';
  const CARETAKER_2 = '+919811100002';

  /** The tenant of `tenant()` plus a caretaker alert (`on: assigned`) and a visit reminder to the assignee. */
  async function caretakerTenant(): Promise<Caller> {
    const owner = await tenant();
    await h.call(
      NotificationOps.registerTemplate,
      {
        key: 'caretaker',
        channel: 'sms',
        category: 'service_implicit',
        header: 'LEKHAS',
        dltTemplateId: '1107161234567890124',
        text: 'Maintenance {#var#} is assigned to you. -Lekha',
      },
      owner,
    );
    const rules = (await h.call(NotificationOps.getReminders, {}, owner)).rules;
    await h.call(
      NotificationOps.putReminders,
      {
        rules: [
          ...rules.map((r) => ({ ...r, recipient: 'customer' as const })),
          {
            key: 'caretaker-alert',
            recordType: 'maintenance_log',
            on: 'assigned',
            template: 'caretaker',
            recipient: 'assignee',
            variables: ['issue'],
          },
          {
            key: 'caretaker-visit',
            recordType: 'maintenance_log',
            field: 'visitAt',
            offsets: ['-2h'],
            template: 'caretaker',
            recipient: 'assignee',
            variables: ['issue'],
          },
        ],
      },
      owner,
    );
    return owner;
  }

  const staffEvent = (tenantId: string, userId: string, phone: string | null, active = true): StaffContactEvent => ({
    type: 'staff.contact',
    eventId: uuidv7(),
    tenantId,
    userId,
    active,
    phone: active ? phone : null,
    email: null,
    occurredAt: NOW.toISOString(),
  });

  const maintenance = (tenantId: string, over: Partial<RecordChangedEvent> = {}) =>
    recordEvent(tenantId, { recordType: 'maintenance_log', fields: { issue: 'Leak in 4B' }, ...over });

  it('P50: assigned to a caretaker → the alert goes to their phone; reassigned → the new one gets it', async () => {
    const owner = await caretakerTenant();
    const [u1, u2] = [randomUUID(), randomUUID()];
    const recipients = h.get(ReminderRecipients);
    const first = staffEvent(owner.tenantId, u1, CARETAKER_1);
    expect(await recipients.applyStaffContact(first)).toMatchObject({ applied: true });
    expect(await recipients.applyStaffContact(first)).toMatchObject({ applied: false });
    await recipients.applyStaffContact(staffEvent(owner.tenantId, u2, CARETAKER_2));
    const reminders = h.get(RecordReminders);
    const event = maintenance(owner.tenantId, { assigneeUserId: u1 });
    expect(await reminders.apply(event)).toMatchObject({ applied: true, queued: 1, skipped: [] });
    await h.get(Dispatcher).drain();
    expect(msg91.calls.map((c) => [c.to, c.text])).toEqual([
      [CARETAKER_1, 'Maintenance Leak in 4B is assigned to you. -Lekha'],
    ]);
    const reassigned = { ...event, eventId: uuidv7(), change: 'updated' as const, assigneeUserId: u2 };
    expect(await reminders.apply({ ...reassigned, previousAssigneeUserId: u1 })).toMatchObject({ queued: 1 });
    await h.get(Dispatcher).drain();
    expect(msg91.calls.map((c) => c.to)).toEqual([CARETAKER_1, CARETAKER_2]);
    const items = await ofRecord(owner, event.recordId);
    expect(items.map((m) => [m.status, m.reminderRule, m.recipient])).toEqual([
      ['sent', 'caretaker-alert', '+91******0002'],
      ['sent', 'caretaker-alert', '+91******0001'],
    ]);
    // The caretakers' phones are stored encrypted only.
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ row: string }[]>(`select s::text as row from notifications.staff_contacts s where tenant_id = ?`, [
        owner.tenantId,
      ]);
    expect(rows).toHaveLength(2);
    for (const { row } of rows) expect(row).not.toMatch(/98111000/);
  });

  it('P50: a deactivated or unknown assignee gets nothing (NO_ASSIGNEE_CONTACT); pending ones cancelled', async () => {
    const owner = await caretakerTenant();
    const [u1, unknown] = [randomUUID(), randomUUID()];
    const recipients = h.get(ReminderRecipients);
    await recipients.applyStaffContact(staffEvent(owner.tenantId, u1, CARETAKER_1));
    const reminders = h.get(RecordReminders);
    const visitAt = hours(NOW.toISOString(), 30);
    const event = maintenance(owner.tenantId, { assigneeUserId: u1, fields: { issue: 'Leak in 4B', visitAt } });
    expect(await reminders.apply(event)).toMatchObject({ queued: 2 });
    await h.get(Dispatcher).drain();
    expect(msg91.calls).toHaveLength(1); // the alert; the visit reminder waits until −2 h
    // The caretaker's new phone: the pending visit reminder follows it.
    const moved = await recipients.applyStaffContact(staffEvent(owner.tenantId, u1, CARETAKER_2));
    expect(moved).toMatchObject({ applied: true, readdressed: 1, cancelled: 0 });
    let pending = (await ofRecord(owner, event.recordId)).filter((m) => m.status === 'deferred');
    expect(pending.map((m) => [m.reminderRule, m.recipient, m.nextAttemptAt])).toEqual([
      ['caretaker-visit', '+91******0002', hours(visitAt, -2)],
    ]);
    // Deactivated (identity's tombstone): the pending reminder is cancelled, a new assignment skipped.
    const gone = await recipients.applyStaffContact(staffEvent(owner.tenantId, u1, null, false));
    expect(gone).toMatchObject({ applied: true, cancelled: 1 });
    pending = (await ofRecord(owner, event.recordId)).filter((m) => m.status === 'deferred');
    expect(pending).toEqual([]);
    const again = maintenance(owner.tenantId, { assigneeUserId: u1 });
    expect(await reminders.apply(again)).toMatchObject({
      queued: 0,
      skipped: [{ rule: 'caretaker-alert', reason: 'NO_ASSIGNEE_CONTACT' }],
    });
    const nobody = maintenance(owner.tenantId, { assigneeUserId: unknown });
    expect(await reminders.apply(nobody)).toMatchObject({
      queued: 0,
      skipped: [{ rule: 'caretaker-alert', reason: 'NO_ASSIGNEE_CONTACT' }],
    });
    await h.get(Dispatcher).drain();
    expect(msg91.calls).toHaveLength(1);
  });

  it('P50: a customer’s new phone re-addresses their pending reminders; no phone left → cancelled', async () => {
    const owner = await caretakerTenant();
    const u1 = randomUUID();
    await h.get(ReminderRecipients).applyStaffContact(staffEvent(owner.tenantId, u1, CARETAKER_1));
    const event = recordEvent(owner.tenantId);
    const reminders = h.get(RecordReminders);
    await reminders.apply(event);
    // A maintenance visit of the same customer, addressed to its caretaker: never re-addressed to the customer.
    const visitAt = hours(NOW.toISOString(), 30);
    const job = maintenance(owner.tenantId, {
      customerId: event.customerId,
      assigneeUserId: u1,
      fields: { issue: 'Leak', visitAt },
    });
    await reminders.apply(job);
    const recipients = h.get(ReminderRecipients);
    const changed = {
      type: 'customer.changed' as const,
      eventId: uuidv7(),
      tenantId: owner.tenantId,
      customerId: event.customerId!,
      customer: { name: 'Asha', phone: '+919899900009', email: 'asha@example.in' },
      occurredAt: NOW.toISOString(),
    };
    expect(await recipients.applyCustomerChanged(changed)).toMatchObject({ readdressed: 2, cancelled: 0 });
    expect((await ofRecord(owner, event.recordId)).map((m) => [m.status, m.recipient])).toEqual([
      ['deferred', '+91******0009'],
      ['deferred', '+91******0009'],
    ]);
    const caretaker = (await ofRecord(owner, job.recordId)).filter((m) => m.status === 'deferred');
    expect(caretaker.map((m) => m.recipient)).toEqual(['+91******0001']);
    // The same contact again changes nothing; no phone left → the SMS reminders are cancelled.
    expect(await recipients.applyCustomerChanged({ ...changed, eventId: uuidv7() })).toMatchObject({
      readdressed: 0,
      cancelled: 0,
    });
    const noPhone = { ...changed, eventId: uuidv7(), customer: { ...changed.customer, phone: null } };
    expect(await recipients.applyCustomerChanged(noPhone)).toMatchObject({ readdressed: 0, cancelled: 2 });
    expect((await ofRecord(owner, event.recordId)).map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    // When due, the re-addressed reminder would have gone to the new phone: the queue holds none of them.
    jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date(Date.parse(STARTS)));
    await h.get(Dispatcher).drain();
    expect(msg91.calls.filter((c) => c.to !== CARETAKER_1)).toEqual([]);
  });
});
