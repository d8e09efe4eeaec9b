import type { MessageChannel, QuietHours, TemplateCategory } from '@lekha/contracts';

/**
 * When a message may go out, in one place: promotional SMS only 09:00–21:00 IST (TRAI; a message
 * outside is deferred to the next window, never dropped), and the tenant's own quiet hours for the
 * categories it names. Times are IST (UTC+05:30, no daylight saving).
 */
export const PROMOTIONAL_SMS_WINDOW = { start: '09:00', end: '21:00' } as const;
const IST_OFFSET_MIN = 330;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since midnight IST, and that midnight as an instant. */
function istClock(now: Date): { minute: number; midnight: number } {
  const shifted = now.getTime() + IST_OFFSET_MIN * 60_000;
  const dayStart = Math.floor(shifted / 86_400_000) * 86_400_000;
  return { minute: Math.floor((shifted - dayStart) / 60_000), midnight: dayStart - IST_OFFSET_MIN * 60_000 };
}

/** The next instant at or after `now` inside the allowed window [start, end) (IST); null when `now` is inside. */
export function nextInsideWindow(now: Date, allowed: { start: string; end: string }): Date | null {
  const { minute, midnight } = istClock(now);
  const start = minutesOf(allowed.start);
  const end = minutesOf(allowed.end);
  const inside = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  if (inside) return null;
  const at = midnight + start * 60_000;
  return new Date(minute < start ? at : at + 86_400_000);
}

/** The next instant outside quiet hours [start, end) (IST); null when `now` is not quiet. */
export function nextOutsideQuiet(now: Date, quiet: { start: string; end: string }): Date | null {
  // Quiet from start to end is the same as "allowed from end to start".
  return nextInsideWindow(now, { start: quiet.end, end: quiet.start });
}

/** When the message may be sent: null = now; else the instant it is deferred to. */
export function deferUntil(
  now: Date,
  message: { channel: MessageChannel; category: TemplateCategory },
  quietHours: QuietHours | null,
): Date | null {
  if (message.category === 'promotional') {
    return message.channel === 'sms' ? nextInsideWindow(now, PROMOTIONAL_SMS_WINDOW) : null;
  }
  if (quietHours && (quietHours.categories as readonly string[]).includes(message.category))
    return nextOutsideQuiet(now, quietHours);
  return null;
}
