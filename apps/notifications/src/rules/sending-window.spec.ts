import { deferUntil, nextInsideWindow, nextOutsideQuiet } from './sending-window.js';

/** An instant given as IST wall-clock time. */
const ist = (date: string, time: string) => new Date(`${date}T${time}:00+05:30`);

describe('sending windows (IST)', () => {
  it('defers a promotional SMS outside 09:00–21:00 IST to the next 09:00, never drops it', () => {
    const sms = { channel: 'sms', category: 'promotional' } as const;
    expect(deferUntil(ist('2026-12-01', '10:00'), sms, null)).toBeNull();
    expect(deferUntil(ist('2026-12-01', '21:00'), sms, null)).toEqual(ist('2026-12-02', '09:00'));
    expect(deferUntil(ist('2026-12-01', '23:59'), sms, null)).toEqual(ist('2026-12-02', '09:00'));
    expect(deferUntil(ist('2026-12-01', '02:00'), sms, null)).toEqual(ist('2026-12-01', '09:00'));
    expect(deferUntil(ist('2026-12-01', '08:59'), sms, null)).toEqual(ist('2026-12-01', '09:00'));
    // The TRAI window is SMS only; a transactional SMS is never held by it.
    expect(deferUntil(ist('2026-12-01', '23:00'), { channel: 'whatsapp', category: 'promotional' }, null)).toBeNull();
    expect(deferUntil(ist('2026-12-01', '23:00'), { channel: 'sms', category: 'transactional' }, null)).toBeNull();
  });

  it('holds the categories a tenant names in its quiet hours, across midnight or not', () => {
    const quiet = { start: '22:00', end: '07:00', categories: ['service_implicit' as const] };
    const m = { channel: 'sms', category: 'service_implicit' } as const;
    expect(deferUntil(ist('2026-12-01', '21:59'), m, quiet)).toBeNull();
    expect(deferUntil(ist('2026-12-01', '22:00'), m, quiet)).toEqual(ist('2026-12-02', '07:00'));
    expect(deferUntil(ist('2026-12-02', '06:00'), m, quiet)).toEqual(ist('2026-12-02', '07:00'));
    expect(deferUntil(ist('2026-12-01', '23:00'), { ...m, category: 'transactional' }, quiet)).toBeNull();
    expect(nextOutsideQuiet(ist('2026-12-01', '13:30'), { start: '13:00', end: '14:00' })).toEqual(
      ist('2026-12-01', '14:00'),
    );
    expect(nextInsideWindow(ist('2026-12-01', '12:00'), { start: '09:00', end: '21:00' })).toBeNull();
  });
});
