import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';

function recordingLogger() {
  const lines: { msg: string; backoffMs?: number; error?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** A relay over a scripted round: each call takes the next answer (a count, or an error to throw). */
function relay(script: (number | Error)[], more: Partial<OutboxRelayOptions> = {}) {
  const { logger, lines } = recordingLogger();
  const rounds: number[] = [];
  const r = new OutboxRelay({
    logger,
    round: async () => {
      rounds.push(Date.now());
      const next = script.shift() ?? 0;
      if (next instanceof Error) throw next;
      return next;
    },
    failed: 'test relay cannot publish yet',
    ...more,
  });
  return { r, rounds, lines };
}

/** Waits for `done` (a loaded machine may run a timer late), failing after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('OutboxRelay', () => {
  it('runs rounds back to back while there is something to send, then waits until woken by a change', async () => {
    const { r, rounds } = relay([2, 2, 0], { idleMs: 60_000 });
    r.start();
    await until(() => rounds.length >= 3);
    await sleep(50);
    expect(rounds).toHaveLength(3);
    r.wake();
    await until(() => rounds.length >= 4);
    expect(rounds).toHaveLength(4);
    const t = Date.now();
    await r.stop();
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('backs off from a failed round, doubling, logs it, and is unhealthy until a round works', async () => {
    const { r, rounds, lines } = relay([new Error('broker down'), new Error('broker down'), 0], {
      idleMs: 60_000,
      backoff: { fromMs: 50, maxMs: 5000 },
    });
    r.start();
    await until(() => rounds.length >= 1);
    expect(r.healthy).toBe(false);
    await until(() => rounds.length >= 3 && r.healthy);
    expect(rounds).toHaveLength(3);
    expect(rounds[2]! - rounds[1]!).toBeGreaterThanOrEqual(95);
    expect(lines.map((l) => [l.msg, l.backoffMs, l.error])).toEqual([
      ['test relay cannot publish yet', 50, 'broker down'],
      ['test relay cannot publish yet', 100, 'broker down'],
    ]);
    expect(r.healthy).toBe(true);
    await r.stop();
  });

  it('a change does not cut a back-off short unless it is wakeable; stopping always does', async () => {
    const still = relay([new Error('down'), 0], { backoff: { fromMs: 60_000, maxMs: 60_000 } });
    still.r.start();
    await sleep(20);
    still.r.wake();
    await sleep(50);
    expect(still.rounds).toHaveLength(1);
    const t = Date.now();
    await still.r.stop();
    expect(Date.now() - t).toBeLessThan(1000);

    const woken = relay([new Error('down'), 0], { backoff: { fromMs: 60_000, maxMs: 60_000, wakeable: true } });
    woken.r.start();
    await until(() => woken.rounds.length >= 1);
    await sleep(20);
    woken.r.wake();
    await until(() => woken.rounds.length >= 2);
    expect(woken.rounds).toHaveLength(2);
    await woken.r.stop();
  });

  it('without draining, waits the interval after every round; a failed round is logged and waits too', async () => {
    const { r, rounds, lines } = relay([5, new Error('db down'), 5], { idleMs: 300, drain: false });
    r.start();
    await until(() => rounds.length >= 1);
    await sleep(100);
    expect(rounds).toHaveLength(1);
    await until(() => rounds.length >= 2);
    expect(rounds[1]! - rounds[0]!).toBeGreaterThanOrEqual(290);
    expect(lines).toEqual([expect.objectContaining({ msg: 'test relay cannot publish yet', error: 'db down' })]);
    expect(lines[0]!.backoffMs).toBeUndefined();
    await r.stop();
  });

  it('stops within stopWaitMs even when a round hangs', async () => {
    const { logger } = recordingLogger();
    const r = new OutboxRelay({ logger, round: () => new Promise(() => undefined), failed: 'x', stopWaitMs: 50 });
    r.start();
    const t = Date.now();
    await r.stop();
    expect(Date.now() - t).toBeLessThan(500);
  });
});
