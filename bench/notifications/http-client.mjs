#!/usr/bin/env node
// The provider adapters' HTTP client against its baseline, `fetch`, in one process: a `node:http` server
// answering a MSG91-like JSON body, BENCH_CALLERS (32) callers, BENCH_REQUESTS (20,000) requests after a
// warm-up; requests/s and CPU per request (client and server together). `npm run build` first.
//   node bench/notifications/http-client.mjs
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, root } from '../lib/harness.mjs';

const { httpRequest } = await import(join(root, 'libs', 'providers', 'dist', 'http.js'));
const CALLERS = Number(process.env.BENCH_CALLERS ?? 32);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"type":"success","message":"3f6a1b2c9d8e7f60"}');
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/api/v5/flow`;
const body = JSON.stringify({
  template_id: 't1',
  short_url: '0',
  recipients: [{ mobiles: '919876543210', var1: '10:30' }],
});
const headers = { 'content-type': 'application/json', authkey: 'bench-key' };

const clients = {
  'fetch (baseline)': async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual',
    });
    await res.text();
  },
  'httpRequest (node:http, keep-alive)': async () => {
    const outcome = await httpRequest(url, { method: 'POST', headers, body }, 10_000);
    if (!outcome.ok) throw new Error(outcome.failure.code);
  },
};

async function run(send, n) {
  let started = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (started++ < n) await send();
    }),
  );
}

console.log(`\nprovider HTTP client — node ${process.version}, ${CALLERS} callers, ${fmt(REQUESTS)} requests\n`);
console.log('| client | requests/s | CPU µs per request (client + server) |\n|---|---|---|');
for (const round of [1, 2]) {
  for (const [name, send] of Object.entries(clients)) {
    await run(send, 2_000);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await run(send, REQUESTS);
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      `| ${name}, run ${round} | ${fmt(REQUESTS / seconds)} | ${fmt((used.user + used.system) / REQUESTS)} |`,
    );
  }
}
server.close();
process.exit(0);
