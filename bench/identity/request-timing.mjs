#!/usr/bin/env node
// How long a password-reset request and an SMS-code request take to answer for an identifier
// with an account and for one without, through the gateway with every service running, one caller,
// requests interleaved (known, unknown, known, ...) so both see the same machine. The unknown
// identifier is the baseline: the two should not differ by more than the noise.
//   npm run build && node_modules/.bin/node bench/identity/request-timing.mjs
//   BENCH_SAMPLES=300 per case; BENCH_DATABASE_URL (an empty PostgreSQL database) instead of PGlite;
//   BENCH_ROOT measures another checkout's build with this script (e.g. an earlier commit).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { log, pct, startBroker, startBenchPlatform } from '../lib/harness.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
// Earlier builds limit sends per identifier (at most 20 a window): spread the known requests over accounts.
const ACCOUNTS = Math.ceil(SAMPLES / 15);
const fmt = (n) => n.toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-identity-'));
let kafka;
let platform;
try {
  kafka = await startBroker(dir);
  ({ platform } = await startBenchPlatform({
    dir,
    kafka,
    databaseUrl: process.env.BENCH_DATABASE_URL,
    env: {
      // Each request comes from its own address (one proxy hop), and the budgets stay out of the way.
      TRUSTED_PROXY_HOPS: '1',
      OTP_MAX_SENDS_PER_WINDOW: '20',
      OTP_MAX_SENDS_PER_IDENTIFIER: '100',
      OTP_MAX_UNKNOWN_PER_IP: '100000',
      SIGNUP_MAX_PER_IP: '100000',
    },
  }));
  const url = platform.gatewayUrl;
  let address = 0;
  const post = async (path, body) => {
    address++;
    const ip = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': ip };
    const t = performance.now();
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await res.text();
    const ms = performance.now() - t;
    if (res.status !== 202 && res.status !== 201) throw new Error(`${path} answered ${res.status}`);
    return ms;
  };
  const phone = () => `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const nobody = () => `nobody${randomBytes(6).toString('hex')}@example.in`;
  const stamp = Date.now().toString(36);
  log(`signing up ${ACCOUNTS} accounts`);
  const accounts = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const owner = {
      name: 'Bench Owner',
      email: `bench${i}.${stamp}@example.in`,
      phone: phone(),
      password: 'bench passphrase long enough',
      ageConfirmed: true,
    };
    await post('/v1/auth/signup', { business: { name: `Bench ${i}`, stateCode: '29' }, owner });
    accounts.push(owner);
  }
  const reset = '/v1/auth/password-reset/request';
  const cases = [
    ['password reset request', reset, (o) => ({ email: o.email }), () => ({ email: nobody() })],
    ['SMS code request', '/v1/auth/otp/request', (o) => ({ phone: o.phone }), () => ({ phone: phone() })],
  ];
  const mean = (xs) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const figures = (what, k, u) => ({
    what,
    'p50 ms': fmt(pct(k, 0.5) - u.p50),
    'p90 ms': fmt(pct(k, 0.9) - u.p90),
    'mean ms': fmt(mean(k) - u.mean),
  });
  const rows = [];
  for (const [what, path, known, unknown] of cases) {
    for (let i = 0; i < 20; i++) await post(path, unknown()); // warm-up
    const k = [];
    const u = [];
    for (let i = 0; i < SAMPLES; i++) {
      k.push(await post(path, known(accounts[i % ACCOUNTS])));
      u.push(await post(path, unknown()));
    }
    k.sort((a, b) => a - b);
    u.sort((a, b) => a - b);
    const zero = { p50: 0, p90: 0, mean: 0 };
    rows.push(figures(`${what}, account exists`, k, zero));
    rows.push(figures(`${what}, no account (baseline)`, u, zero));
    rows.push(figures(`${what}: exists minus baseline`, k, { p50: pct(u, 0.5), p90: pct(u, 0.9), mean: mean(u) }));
  }
  const db = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  const load = loadavg()[0].toFixed(1);
  console.log(`identity request timing — node ${process.version}, ${availableParallelism()} cores, load ${load}`);
  console.log(`${SAMPLES} samples per case, interleaved, ${db}, code under ${root}`);
  console.table(rows);
} finally {
  await platform?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
