#!/usr/bin/env node
// Logins per second at the chosen argon2id parameters and access-token verifications per second,
// each beside a baseline measured in the same run on the same machine.
//   npm run build && node_modules/.bin/node bench/identity/bench.mjs [seconds-per-case]
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify } from 'jose';
import { ARGON2_PARAMS } from '../../apps/identity/dist/auth/password-hasher.js';

const seconds = Number(process.argv[2] ?? 3);

/** Runs `fn` with `concurrency` callers for the given time; returns operations per second. */
async function rate(fn, concurrency = 1) {
  const until = performance.now() + seconds * 1000;
  let ops = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await fn();
        ops++;
      }
    }),
  );
  return ops / seconds;
}

const rows = [];
const row = (what, perSecond, note = '') => rows.push({ what, 'per second': Math.round(perSecond), note });

// Password verification: the cost of one login attempt (the dummy verify for unknown users costs the same).
const password = 'blue water cans 2026';
const chosen = await hash(password, ARGON2_PARAMS);
const cores = availableParallelism();
row(
  `argon2id verify m=${ARGON2_PARAMS.memoryCost} KiB t=${ARGON2_PARAMS.timeCost} ` +
    `p=${ARGON2_PARAMS.parallelism} (chosen), 1 caller`,
  await rate(() => verify(chosen, password)),
);
row(
  `argon2id verify, chosen, ${cores} callers`,
  await rate(() => verify(chosen, password), cores),
  'libuv pool: what one identity process can serve',
);
const owaspAlt = await hash(password, { algorithm: 2, memoryCost: 47104, timeCost: 1, parallelism: 1 });
row(
  'argon2id verify m=47104 KiB t=1 p=1 (OWASP alternative), 1 caller',
  await rate(() => verify(owaspAlt, password)),
  'comparison',
);
const salt = randomBytes(16);
row(
  'baseline: one SHA-256 of salt+password (never acceptable)',
  await rate(async () => createHash('sha256').update(salt).update(password).digest()),
  'what an attacker gets per core without argon2',
);

// Token verification: what the gateway does on every authenticated request.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const claims = {
  tid: '0195f0a0-0000-7000-8000-000000000001',
  roles: ['owner'],
  sid: '0195f0a0-0000-7000-8000-000000000002',
};
const es256 = await new SignJWT(claims)
  .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
  .setSubject('u1')
  .setIssuer('lekha-identity')
  .setAudience('lekha')
  .setIssuedAt()
  .setExpirationTime('15m')
  .sign(privateKey);
const opts = { algorithms: ['ES256'], issuer: 'lekha-identity', audience: 'lekha' };
row('ES256 access token verify (jose), 1 caller', await rate(() => jwtVerify(es256, publicKey, opts)));
row(
  'ES256 access token sign (jose), 1 caller',
  await rate(() =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject('u1').setExpirationTime('15m').sign(privateKey),
  ),
  'identity, per login/refresh',
);
const secret = randomBytes(32);
const hs256 = await new SignJWT(claims)
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('u1')
  .setIssuer('lekha-identity')
  .setAudience('lekha')
  .setExpirationTime('15m')
  .sign(secret);
row(
  'baseline: HS256 verify (jose; shared secret, not used)',
  await rate(() => jwtVerify(hs256, secret, { ...opts, algorithms: ['HS256'] })),
  'symmetric: every verifier could mint tokens',
);

console.log(`identity auth benchmark — node ${process.version}, ${cores} cores, ${seconds} s per case`);
console.table(rows);
