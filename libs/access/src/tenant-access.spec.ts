import { MAX_RESOURCE_IDS } from '@lekha/contracts';
import { oneRecordPerBatch, type ScopedRecord } from './tenant-access.js';

describe('oneRecordPerBatch', () => {
  const sent = (id: string, reason = 'sent_msg91'): ScopedRecord => ({ resource: { id }, reason });

  it('records that differ only in their resource ID become one naming every ID, in order', () => {
    expect(oneRecordPerBatch([sent('m1'), sent('m2'), sent('m3', 'sent_gupshup'), sent('m4')])).toEqual([
      { resource: { id: null, ids: ['m1', 'm2', 'm4'] }, reason: 'sent_msg91' },
      sent('m3', 'sent_gupshup'),
    ]);
  });

  it('names every subject of the merged records once', () => {
    const queued = (id: string, subject?: string): ScopedRecord => ({
      resource: { id },
      subjectIds: subject ? [subject] : [],
      reason: 'queued',
    });
    expect(oneRecordPerBatch([queued('m1', 'c1'), queued('m2'), queued('m3', 'c2'), queued('m4', 'c1')])).toEqual([
      { resource: { id: null, ids: ['m1', 'm2', 'm3', 'm4'] }, subjectIds: ['c1', 'c2'], reason: 'queued' },
    ]);
  });

  it('keeps the subjects of later records when the first names none', () => {
    expect(
      oneRecordPerBatch([
        { resource: { id: 'm1' }, reason: 'queued' },
        { resource: { id: 'm2' }, subjectIds: ['c1'], reason: 'queued' },
      ]),
    ).toEqual([{ resource: { id: null, ids: ['m1', 'm2'] }, subjectIds: ['c1'], reason: 'queued' }]);
  });

  it('keeps apart what differs in anything else: type, action, outcome, fields', () => {
    const records: ScopedRecord[] = [
      { resource: { type: 'notification', id: 'a' }, action: 'update' },
      { resource: { type: 'customer', id: 'b' }, action: 'update' },
      { resource: { type: 'notification', id: 'c' }, action: 'read' },
      { resource: { type: 'notification', id: 'd' }, action: 'update', outcome: 'denied' },
      { resource: { type: 'notification', id: 'e' }, action: 'update', fields: [{ name: 'phone', category: 'c' }] },
    ];
    expect(oneRecordPerBatch(records)).toEqual(records);
  });

  it('leaves a record without a resource ID, or already naming several, as it was', () => {
    const none: ScopedRecord = { resource: { id: null }, reason: 'sent_msg91' };
    const many: ScopedRecord = { resource: { id: null, ids: ['x', 'y'] }, reason: 'sent_msg91' };
    expect(oneRecordPerBatch([none, many, sent('m1')])).toEqual([none, many, sent('m1')]);
  });

  it(`names at most ${MAX_RESOURCE_IDS} IDs a record`, () => {
    const ids = Array.from({ length: MAX_RESOURCE_IDS + 3 }, (_, i) => `m${i}`);
    const out = oneRecordPerBatch(ids.map((id) => sent(id)));
    expect(out.map((r) => r.resource?.ids?.length ?? 1)).toEqual([MAX_RESOURCE_IDS, 3]);
    expect(out.flatMap((r) => r.resource!.ids!)).toEqual(ids);
  });
});
