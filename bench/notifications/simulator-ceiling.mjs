#!/usr/bin/env node
// The provider simulator's own ceiling: sends/s per provider at 16 and 64 concurrent callers, with
// receipts off and on. The simulator runs alone as its own process (apps/provider-simulator/dist,
// `npm run build` first); this process is the callers and the webhook receiver (a plain node:http
// server answering 200, standing in for the gateway). Figures go to stdout as a table.
//   BENCH_SECONDS (default 3) per case; BENCH_CALLERS (default "16,64"); BENCH_PROVIDERS.
// `simulatorCeiling()` is exported for benchmarks that report the ceiling beside their own figures.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, lib, log, pct, root } from '../lib/harness.mjs';

const creds = {
  MSG91_AUTH_KEY: randomBytes(12).toString('hex'),
  GUPSHUP_USER_ID: '2000100001',
  GUPSHUP_PASSWORD: randomBytes(12).toString('hex'),
  TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
  WHATSAPP_ACCESS_TOKEN: randomBytes(16).toString('hex'),
  WHATSAPP_PHONE_NUMBER_ID: '100000000000001',
  WHATSAPP_APP_SECRET: randomBytes(16).toString('hex'),
  WEBHOOK_PATH_TOKEN: randomBytes(12).toString('hex'),
};

const twilioAuth = Buffer.from(`${creds.TWILIO_ACCOUNT_SID}:${creds.TWILIO_AUTH_TOKEN}`).toString('base64');

/** One request per provider, in its wire format; `i` varies the recipient. */
const requests = {
  msg91: (i) => ({
    method: 'POST',
    path: '/api/v5/flow',
    headers: { authkey: creds.MSG91_AUTH_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      template_id: 'bench-template',
      sender: 'LEKHAS',
      recipients: [{ mobiles: `9198${String(i % 100_000_000).padStart(8, '0')}`, VAR1: 'Asha', otp: '4321' }],
    }),
  }),
  gupshup: (i) => ({
    method: 'GET',
    path: `/GatewayAPI/rest?${new URLSearchParams({
      method: 'SendMessage',
      userid: creds.GUPSHUP_USER_ID,
      password: creds.GUPSHUP_PASSWORD,
      send_to: `9198${String(i % 100_000_000).padStart(8, '0')}`,
      msg: 'Your OTP is 4321 - Lekha',
      msg_type: 'TEXT',
      v: '1.1',
      auth_scheme: 'plain',
      format: 'json',
      mask: 'LEKHAS',
      principalEntityId: '1101234567890123456',
      dltTemplateId: '1107123456789012345',
    })}`,
    headers: {},
  }),
  twilio: (i) => ({
    method: 'POST',
    path: `/2010-04-01/Accounts/${creds.TWILIO_ACCOUNT_SID}/Messages.json`,
    headers: {
      authorization: `Basic ${twilioAuth}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      To: `+9198${String(i % 100_000_000).padStart(8, '0')}`,
      From: '+15005550006',
      Body: 'Reminder: your appointment is at 5 pm',
    }).toString(),
  }),
  'whatsapp-cloud': (i) => ({
    method: 'POST',
    path: `/v21.0/${creds.WHATSAPP_PHONE_NUMBER_ID}/messages`,
    headers: { authorization: `Bearer ${creds.WHATSAPP_ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      messaging_product: 'whatsapp',
      to: `9198${String(i % 100_000_000).padStart(8, '0')}`,
      type: 'template',
      template: {
        name: 'reminder',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }] }],
      },
    }),
  }),
};

function call(agent, port, spec) {
  return new Promise((resolve) => {
    const headers = { ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
    const req = http.request(
      { host: '127.0.0.1', port, method: spec.method, path: spec.path, headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve(0));
    req.end(spec.body);
  });
}

async function getJson(url, init) {
  const res = await fetch(url, init);
  return res.json();
}

/** `callers` loops sending for `seconds`; latencies in ms and error count. */
async function load(port, provider, callers, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: callers });
  const build = requests[provider];
  const latencies = [];
  let errors = 0;
  let n = 0;
  const warmUntil = Date.now() + 300;
  while (Date.now() < warmUntil) await call(agent, port, build(n++));
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const status = await call(agent, port, build(n++));
        latencies.push(performance.now() - t);
        if (status < 200 || status >= 300) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { sends: latencies.length, perSecond: latencies.length / elapsed, latencies, errors, elapsed };
}

/**
 * Starts the simulator as its own process, measures every case and stops it. Returns the rows.
 * options: { seconds, callers: number[], providers: string[], receiptModes: boolean[] (receipts off, on) }
 */
export async function simulatorCeiling({
  seconds = 3,
  callers = [16, 64],
  providers = Object.keys(requests),
  receiptModes = [false, true],
} = {}) {
  let receiptsSeen = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receiptsSeen++;
      res.writeHead(200).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  const { freePorts } = await lib('local-kafka');
  const [simPort, receiverPort] = await freePorts(2);
  await new Promise((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  const child = spawn(process.execPath, [join(root, 'apps', 'provider-simulator', 'dist', 'main.js')], {
    env: {
      ...process.env,
      ...creds,
      SIMULATOR_PORT: String(simPort),
      SIMULATOR_SMTP_PORT: 'off',
      SIMULATOR_WEBHOOK_BASE_URL: `http://127.0.0.1:${receiverPort}`,
      LEKHA_EXIT_WITH_PARENT: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rows = [];
  try {
    await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
      child.stdout.on('data', (d) => {
        if (String(d).includes('listening')) resolve();
      });
    });
    const sim = `http://127.0.0.1:${simPort}`;
    for (const receipts of receiptModes) {
      await fetch(`${sim}/_sim/behaviour`, { method: 'DELETE' });
      if (!receipts)
        await fetch(`${sim}/_sim/behaviour`, { method: 'POST', body: JSON.stringify({ receipts: 'none' }) });
      for (const provider of providers) {
        for (const c of callers) {
          await fetch(`${sim}/_sim/messages`, { method: 'DELETE' });
          receiptsSeen = 0;
          log(`${provider}, ${c} callers, receipts ${receipts ? 'on' : 'off'}, ${seconds} s`);
          const started = performance.now();
          const r = await load(simPort, provider, c, seconds);
          // Receipts still in flight when the senders stop: wait for them, and count the time.
          for (;;) {
            const s = await getJson(`${sim}/_sim/stats`);
            if (s.pendingWebhookChains === 0) break;
            await new Promise((res) => setTimeout(res, 50));
          }
          const drained = (performance.now() - started) / 1000;
          const stats = await getJson(`${sim}/_sim/stats`);
          const p = stats.providers[provider];
          rows.push({
            provider,
            callers: c,
            receipts,
            sends: r.sends,
            perSecond: r.perSecond,
            p50: pct(r.latencies, 0.5),
            p99: pct(r.latencies, 0.99),
            errors: r.errors,
            receiptsPosted: p.webhooksPosted,
            receiptsFailed: p.webhooksFailed,
            receiptsReceived: receiptsSeen,
            receiptsPerSecond: receipts ? receiptsSeen / drained : 0,
          });
        }
      }
    }
  } finally {
    child.kill('SIGTERM');
    receiver.closeAllConnections();
    receiver.close();
  }
  return rows;
}

const posted = (r) => `${fmt(r.receiptsPosted)}${r.receiptsFailed ? ` (${r.receiptsFailed} failed)` : ''}`;

export function printCeiling(rows) {
  console.log(
    `provider simulator ceiling — node ${process.version}, ${availableParallelism()} cores, ` +
      `load ${loadavg()[0].toFixed(1)}; simulator in its own process, callers and receipt receiver in another`,
  );
  console.log(
    '| provider | callers | receipts | sends | sends/s | p50 ms | p99 ms | errors | receipts posted | receipts/s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.provider} | ${r.callers} | ${r.receipts ? 'on' : 'off'} | ${fmt(r.sends)} | ${fmt(r.perSecond)} | ` +
        `${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ` +
        `${r.receipts ? posted(r) : '—'} | ` +
        `${r.receipts ? fmt(r.receiptsPerSecond) : '—'} |`,
    );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await simulatorCeiling({
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    callers: (process.env.BENCH_CALLERS ?? '16,64').split(',').map(Number),
    providers: process.env.BENCH_PROVIDERS ? process.env.BENCH_PROVIDERS.split(',') : undefined,
  });
  printCeiling(rows);
}
