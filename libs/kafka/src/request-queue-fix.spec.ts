import { RequestQueue } from './request-queue-fix.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue() {
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9',
    logger: silent,
  });
}

describe("kafkajs' request queue (patched)", () => {
  it('an answered request with nothing pending schedules no check: no 1 ms timer loop', () => {
    const q = queue();
    // What answering a request does: check the queue, which used to schedule the next check regardless.
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('a request waiting out a throttle still gets its check, at the throttle’s end', () => {
    const q = queue();
    q.maybeThrottle(50);
    q.pending.push({ send: () => undefined });
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    q.destroy();
  });
});
