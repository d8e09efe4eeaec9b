/**
 * How long the broker may hold a bus consumer's fetch when it has nothing to return. With
 * `minBytes: 1` it answers as soon as one message arrives, so this bounds idle polling, not latency:
 * the bus bench measured the same round trip (p50 5.8 ms) at 5 ms and at 500 ms, while 5 ms had every
 * consumer of every service ask the broker ~200 times a second — a quarter of the broker's CPU
 * while the platform starts, taken from the services starting beside it. 500 ms, not 100 ms: at 100 ms
 * the bus's consumers were still a fifth of an idle broker's CPU, and the bus bench's round trips
 * were no faster for it (the differences between runs were larger than between the settings).
 */
export const BUS_FETCH_WAIT_MS = 500;
