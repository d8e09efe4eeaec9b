// Ports for the broker and for the services: free ones, chosen below the ephemeral range.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';

/** The lowest port the system hands out for outgoing connections and `listen(0)` (Linux; else 32768). */
function ephemeralFloor(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

const PORTS_FROM = 20_000;

/**
 * Ports above 1023 that fetch refuses to connect to (the Fetch standard's "bad ports"): a service on
 * one is unreachable by undici, so readiness checks fail with "fetch failed" (seen on 10080).
 */
const FETCH_BAD_PORTS = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Ports this process handed out, and when: not handed out again within HANDED_OUT_MS. */
const handedOut = new Map<number, number>();
const HANDED_OUT_MS = 5 * 60_000;

/**
 * The range ports are drawn from: `LEKHA_PORT_RANGE=from-to` (e.g. `20000-26000`) when set, so that two
 * test runs on one machine (CI runs PGlite and PostgreSQL side by side) never pick the same port
 * between choosing it and binding it; otherwise from 20000 up to the ephemeral range.
 */
function portRange(floor: number): [number, number] {
  const given = /^(\d+)-(\d+)$/.exec(process.env.LEKHA_PORT_RANGE ?? '');
  if (given) {
    const [from, to] = [Number(given[1]), Number(given[2])];
    if (from > 1024 && to <= 65535 && to - from > 1000) return [from, to];
    throw new Error('LEKHA_PORT_RANGE must be from-to, with 1024 < from, to <= 65535 and over 1000 ports');
  }
  return [PORTS_FROM, floor];
}

/**
 * `count` distinct free ports for services to listen on, taken below the ephemeral range so that no
 * outgoing connection (Kafka, PostgreSQL) can be given one as its local port before the service
 * binds it, and each held open until all are chosen so that none is handed out twice. A port handed
 * out by an earlier call of this process in the last few minutes is not handed out again: its
 * process may not have bound it yet (a platform's services and its provider simulator choose their
 * ports in separate calls before any of them listens).
 */
export async function freePorts(count: number): Promise<number[]> {
  const [from, to] = portRange(ephemeralFloor());
  const now = Date.now();
  for (const [port, at] of handedOut) if (now - at > HANDED_OUT_MS) handedOut.delete(port);
  // Never one handed out lately, never one fetch refuses.
  const unusable = (port: number) => handedOut.has(port) || FETCH_BAD_PORTS.has(port);
  const servers: Server[] = [];
  const listen = (port: number) =>
    new Promise<Server | null>((res, rej) => {
      const srv = createServer();
      srv.once('error', (err: NodeJS.ErrnoException) =>
        err.code === 'EADDRINUSE' || err.code === 'EACCES' ? res(null) : rej(err),
      );
      srv.listen(port, '127.0.0.1', () => res(srv));
    });
  try {
    for (let attempt = 0; servers.length < count; attempt++) {
      // Below the ephemeral range while it has room; the system's own choice otherwise.
      const port = to - from > 1000 && attempt < 1000 ? from + Math.floor(Math.random() * (to - from)) : 0;
      // A drawn port is checked before binding it (its service may be about to bind it), the system's choice after.
      if (port && unusable(port)) continue;
      const srv = await listen(port);
      if (!srv) continue;
      if (unusable((srv.address() as AddressInfo).port)) await new Promise((res) => srv.close(res));
      else servers.push(srv);
    }
    const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
    for (const port of ports) handedOut.set(port, now);
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise((res) => srv.close(res))));
  }
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

export /** Rejects with a clear message when something already listens on 127.0.0.1:port. */
function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`local-kafka: ${what} port 127.0.0.1:${port} is not free (${err.code ?? err.message})`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise()));
  });
}
