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
});
