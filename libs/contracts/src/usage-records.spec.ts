import { MAX_USAGE_BATCH, usageRecordSchema } from './subscriptions.js';
import { uuidv7 } from './ids.js';

describe('records on billing.usage.v1', () => {
  const tenantId = uuidv7();
  const occurredAt = '2026-12-02T04:00:00.000Z';

  it('a single event, as billing.usage.record takes it', () => {
    const single = { eventId: uuidv7(), tenantId, metric: 'storageBytes', quantity: 2048, occurredAt };
    expect(usageRecordSchema.parse(single)).toEqual(single);
  });

  it('a batch of messages events: 1 to MAX_USAGE_BATCH IDs, messages only, nothing else', () => {
    const ids = (n: number) => Array.from({ length: n }, () => uuidv7());
    const batch = { eventIds: ids(3), tenantId, metric: 'messages', occurredAt };
    expect(usageRecordSchema.parse(batch)).toEqual(batch);
    expect(usageRecordSchema.safeParse({ ...batch, eventIds: ids(MAX_USAGE_BATCH) }).success).toBe(true);
    for (const bad of [
      { ...batch, eventIds: [] },
      { ...batch, eventIds: ids(MAX_USAGE_BATCH + 1) },
      { ...batch, eventIds: ['not-a-uuid'] },
      { ...batch, metric: 'storageBytes' },
      { ...batch, quantity: 5 },
      { ...batch, phone: '+919876543210' },
    ])
      expect(usageRecordSchema.safeParse(bad).success).toBe(false);
  });
});
