import { randomUUID } from 'node:crypto';
import { anonymousContext } from '@lekha/tenancy';
import { RecordTemplates } from './record-templates.js';
import { resolveAssignment } from './record-assignment.js';

const schema = RecordTemplates.maintenance_log.schema;
const owner = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['owner'] });
const caretaker = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['caretaker'] });

describe('record assignment', () => {
  it('takes the assignee from the x-assignee field or the explicit id, and keeps both in step', () => {
    const someone = randomUUID();
    const data: Record<string, unknown> = { property: 'A', issue: 'tap', caretaker: someone };
    expect(resolveAssignment(owner, schema, data, undefined, undefined)).toEqual({ ok: someone });
    const explicit: Record<string, unknown> = { property: 'A', issue: 'tap' };
    expect(resolveAssignment(owner, schema, explicit, someone, undefined)).toEqual({ ok: someone });
    expect(explicit.caretaker).toBe(someone);
    expect(() => resolveAssignment(owner, schema, { caretaker: randomUUID() }, someone, undefined)).toThrow(
      'assignee given twice',
    );
    expect(() => resolveAssignment(owner, schema, { caretaker: 'Ramesh' }, undefined, undefined)).toThrow(
      'record does not match its type',
    );
  });

  it('assigns a caretaker’s new record to them and refuses any other assignee or reassignment', () => {
    const data: Record<string, unknown> = { property: 'A', issue: 'bulb' };
    expect(resolveAssignment(caretaker, schema, data, undefined, undefined)).toEqual({ ok: caretaker.actorId });
    expect(data.caretaker).toBe(caretaker.actorId);
    expect(resolveAssignment(caretaker, schema, {}, randomUUID(), undefined)).toEqual({ forbidden: true });
    expect(resolveAssignment(caretaker, schema, { caretaker: caretaker.actorId }, null, caretaker.actorId, {})).toEqual(
      { forbidden: true },
    );
    expect(
      resolveAssignment(
        caretaker,
        schema,
        { caretaker: caretaker.actorId, status: 'resolved' },
        undefined,
        caretaker.actorId,
        { status: 'resolved' },
      ),
    ).toEqual({ ok: caretaker.actorId });
  });

  it('lets an owner unassign with null, in the field or explicitly', () => {
    const data: Record<string, unknown> = { property: 'A', issue: 'tap', caretaker: randomUUID() };
    expect(resolveAssignment(owner, schema, data, null, randomUUID(), {})).toEqual({ ok: null });
    expect(data).not.toHaveProperty('caretaker');
    expect(resolveAssignment(owner, schema, {}, undefined, randomUUID(), { caretaker: null })).toEqual({ ok: null });
  });
});
