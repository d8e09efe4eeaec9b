import { reminderRuleSchema, type RecordChangedEvent } from '@lekha/contracts';
import { computeReminders, fieldInstant, onceRuleKeys, variableText } from './compute-reminders.js';

const rule = (over: Record<string, unknown>) =>
  reminderRuleSchema.parse({
    key: 'appt-reminder',
    recordType: 'appointment',
    field: 'startsAt',
    offsets: ['-24h', '-2h'],
    template: 'appt',
    recipient: 'customer',
    variables: ['customer.name', 'startsAt'],
    ...over,
  });

const event = (over: Partial<RecordChangedEvent> = {}): RecordChangedEvent => ({
  type: 'record.changed',
  eventId: '01900000-0000-7000-8000-000000000001',
  tenantId: '01900000-0000-7000-8000-0000000000aa',
  recordId: '01900000-0000-7000-8000-0000000000bb',
  change: 'created',
  recordType: 'appointment',
  customerId: '01900000-0000-7000-8000-0000000000cc',
  assigneeUserId: null,
  previousAssigneeUserId: null,
  fields: { service: 'Cleaning', startsAt: '2026-12-10T05:00:00.000Z' },
  customer: { name: 'Asha', phone: '+919812345678', email: null },
  occurredAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('reminder computation (record + rules + now → reminders)', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  it('P50: an appointment gets its reminders at startsAt −24 h and −2 h, variables from the record', () => {
    const planned = computeReminders(event(), [rule({})], now);
    expect(planned.map((p) => p.at.toISOString())).toEqual(['2026-12-09T05:00:00.000Z', '2026-12-10T03:00:00.000Z']);
    // 05:00 UTC is 10:30 IST.
    expect(planned[0]!.variables).toEqual(['Asha', '10-12-2026 10:30']);
  });

  it('P50: a reminder whose time has passed is skipped; one still ahead is kept', () => {
    const soon = new Date('2026-12-10T02:00:00Z'); // 3 h before: −24 h is past, −2 h is ahead
    expect(computeReminders(event(), [rule({})], soon).map((p) => p.at.toISOString())).toEqual([
      '2026-12-10T03:00:00.000Z',
    ]);
    expect(computeReminders(event(), [rule({})], new Date('2026-12-10T06:00:00Z'))).toEqual([]);
  });

  it('P50: moved → the new times; deleted → none; another record type or no time field → none', () => {
    const moved = event({ change: 'updated', fields: { startsAt: '2026-12-12T05:00:00.000Z' } });
    expect(computeReminders(moved, [rule({})], now).map((p) => p.at.toISOString())).toEqual([
      '2026-12-11T05:00:00.000Z',
      '2026-12-12T03:00:00.000Z',
    ]);
    expect(computeReminders(event({ change: 'deleted' }), [rule({})], now)).toEqual([]);
    expect(computeReminders(event({ recordType: 'job' }), [rule({})], now)).toEqual([]);
    expect(computeReminders(event({ fields: { startsAt: 'tomorrow' } }), [rule({})], now)).toEqual([]);
  });

  it('P50: a date-only field (job dueOn, rent due date) counts from 09:00 IST that day', () => {
    const job = event({ recordType: 'job', fields: { jobNo: 'J-7', dueOn: '2026-12-05' } });
    const planned = computeReminders(
      job,
      [rule({ key: 'due', recordType: 'job', field: 'dueOn', offsets: ['-1d', '+0h'], variables: ['jobNo', 'dueOn'] })],
      now,
    );
    expect(planned.map((p) => p.at.toISOString())).toEqual(['2026-12-04T03:30:00.000Z', '2026-12-05T03:30:00.000Z']);
    expect(planned[0]!.variables).toEqual(['J-7', '05-12-2026']);
  });

  it('P50: `on: assigned` fires at once when the record gets a new assignee, not when it keeps one', () => {
    const assigned = rule({
      key: 'assigned',
      recordType: 'maintenance_log',
      field: undefined,
      on: 'assigned',
      offsets: [],
    });
    const base = { recordType: 'maintenance_log', fields: { issue: 'leak' } } as const;
    const u1 = '01900000-0000-7000-8000-0000000000d1';
    expect(computeReminders(event({ ...base, assigneeUserId: u1 }), [assigned], now)).toEqual([
      { rule: assigned, at: now, variables: ['Asha', ''] },
    ]);
    const same = event({ ...base, change: 'updated', assigneeUserId: u1, previousAssigneeUserId: u1 });
    expect(computeReminders(same, [assigned], now)).toEqual([]);
    expect(onceRuleKeys('maintenance_log', [assigned, rule({})])).toEqual(['assigned']);
  });

  it('P50: an assignee rule plans the caretaker alert on (re)assignment; with no assignee it plans none', () => {
    const caretaker = rule({
      key: 'caretaker-alert',
      recordType: 'maintenance_log',
      field: undefined,
      on: 'assigned',
      offsets: [],
      recipient: 'assignee',
      variables: ['issue'],
    });
    const base = { recordType: 'maintenance_log', fields: { issue: 'leak' } } as const;
    const u1 = '01900000-0000-7000-8000-0000000000d1';
    const u2 = '01900000-0000-7000-8000-0000000000d2';
    expect(computeReminders(event({ ...base, assigneeUserId: u1 }), [caretaker], now)).toEqual([
      { rule: caretaker, at: now, variables: ['leak'] },
    ]);
    const reassigned = event({ ...base, change: 'updated', assigneeUserId: u2, previousAssigneeUserId: u1 });
    expect(computeReminders(reassigned, [caretaker], now)).toHaveLength(1);
    // Unassigned: no one to address, even for a time-based rule.
    const timed = rule({ key: 'visit', recordType: 'maintenance_log', field: 'visitAt', recipient: 'assignee' });
    const unassigned = event({ ...base, fields: { visitAt: '2026-12-10T05:00:00.000Z' } });
    expect(computeReminders(unassigned, [caretaker, timed], now)).toEqual([]);
    expect(computeReminders({ ...unassigned, assigneeUserId: u1 }, [timed], now)).toHaveLength(2);
  });

  it('reads times and renders variables', () => {
    expect(fieldInstant('2026-12-05')?.toISOString()).toBe('2026-12-05T03:30:00.000Z');
    expect(fieldInstant(42)).toBeNull();
    expect(variableText('2026-12-05T18:45:00Z')).toBe('06-12-2026 00:15');
    expect(variableText(3)).toBe('3');
    expect(variableText(null)).toBe('');
  });

  it('rule shapes: a field needs offsets, `on` takes none, one of the two', () => {
    expect(() => rule({ offsets: [] })).toThrow();
    expect(() => rule({ on: 'assigned' })).toThrow();
    expect(() => rule({ field: undefined })).toThrow();
    expect(() => rule({ offsets: ['-24x'] })).toThrow();
    expect(() => rule({ offsets: ['-91d'] })).toThrow();
    expect(() => rule({ recipient: 'owner' })).toThrow();
    expect(rule({ recipient: 'assignee' }).recipient).toBe('assignee');
  });
});
