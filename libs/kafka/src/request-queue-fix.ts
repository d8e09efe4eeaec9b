/**
 * kafkajs 2.2.4 (its last release) keeps every connection in a 1 ms timer loop once its first request
 * is answered: answering a request checks the pending queue, and the check schedules the next check
 * even when nothing is pending — at `throttledUntil − now`, a large negative delay that Node runs as
 * 1 ms (and reports as TimeoutNegativeWarning on Node 24). Upstream: tulios/kafkajs#1556, #1704,
 * #1751, unmerged fixes #1667 and #1768. Every connection of an idle service woke the process about a
 * thousand times a second; see BENCHMARKS.md ("kafkajs' idle timer loop").
 *
 * The fix, applied once to kafkajs' own RequestQueue class when this module loads (an import of the
 * CommonJS module kafkajs itself requires, so the same class): a check is scheduled only when a request
 * is waiting. A request that cannot go at once (too many in flight, or the broker asked for a
 * throttle) is queued by `push`, which schedules the check as before; answering a request still checks
 * the queue at once.
 */
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

interface Queue {
  pending: unknown[];
}

const FIXED = Symbol.for('lekha.kafkajs.requestQueue.idleLoopFixed');
const proto = (RequestQueue as unknown as { prototype: Record<string | symbol, unknown> }).prototype;

if (!proto[FIXED]) {
  const schedule = proto.scheduleCheckPendingRequests as (this: Queue) => void;
  if (typeof schedule !== 'function') throw new Error('kafkajs: RequestQueue.scheduleCheckPendingRequests is gone');
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: Queue): void {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
  proto[FIXED] = true;
}

export { RequestQueue };
