import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePorts } from './ports.js';

describe('freePorts', () => {
  it('hands out distinct ports below the ephemeral range that can be listened on', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    const floor = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    for (const port of ports) expect(port).toBeLessThan(floor);
    for (const port of ports.slice(0, 5)) {
      const srv = createServer();
      await new Promise<void>((res, rej) => srv.once('error', rej).listen(port, '127.0.0.1', () => res()));
      await new Promise((res) => srv.close(res));
    }
  });

  it('never hands out again a port an earlier call handed out (its process may not have bound it yet)', async () => {
    const saved = process.env.LEKHA_PORT_RANGE;
    // 1,001 ports: two calls of 300 would almost surely share some if each drew on its own.
    process.env.LEKHA_PORT_RANGE = '29000-30001';
    try {
      const first = await freePorts(300);
      const second = await freePorts(300);
      expect(new Set([...first, ...second]).size).toBe(600);
    } finally {
      if (saved === undefined) delete process.env.LEKHA_PORT_RANGE;
      else process.env.LEKHA_PORT_RANGE = saved;
    }
  });

  it('never hands out a port fetch refuses to connect to (on 10080 a service never looked ready)', async () => {
    const saved = process.env.LEKHA_PORT_RANGE;
    // 1,001 ports holding eight of fetch's bad ports (6566, 6665–6669, 6679, 6697): drawing 900 of them
    // without the check would include one of those all but always.
    process.env.LEKHA_PORT_RANGE = '6165-7166';
    try {
      const ports = await freePorts(900);
      expect(ports).toHaveLength(900);
      expect(ports.filter((p) => [6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697].includes(p))).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.LEKHA_PORT_RANGE;
      else process.env.LEKHA_PORT_RANGE = saved;
    }
  });
});
