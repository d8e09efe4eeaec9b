import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  ensureBusKeyFile,
  ensureMasterKeyFile,
  ensurePlatformAdminPasswordFile,
  LOCAL_PLATFORM_ADMIN_EMAIL,
  simulatorEnvironment,
  SimulatorProcess,
  startPlatform,
  SERVICE_PORTS,
} from '@lekha/launcher';
import { ROOT } from '../paths.js';
import { bold, step } from '../progress.js';
import { brokersOrLocal, provision } from './kafka.js';

function prettyLine(service: string, line: string): string | null {
  try {
    const entry = JSON.parse(line) as { level?: string; msg?: string; context?: string };
    if (!['warn', 'error', 'fatal'].includes(entry.level ?? '') && process.env.LEKHA_VERBOSE !== '1') return null;
    return `${service.padEnd(13)} ${entry.level ?? ''} ${entry.context ? `[${entry.context}] ` : ''}${entry.msg ?? ''}`;
  } catch {
    return `${service.padEnd(13)} ${line}`;
  }
}

function devInboxLines(url: string, env: string, secret: string): string {
  return `
${bold('Development features are on')} (LEKHA_ENV=${env}): messages are kept in a development inbox
  instead of being sent. From this machine, with this start's secret:
  curl -s -H 'x-dev-inbox-secret: ${secret}' '${url}/v1/dev/inbox?to=asha@example.in'
`;
}

/** The body of the sign-up the start banner suggests trying (printed compact, as one line). */
const SIGNUP_EXAMPLE = JSON.stringify({
  business: { name: 'Jal Mitra Waters', stateCode: '27' },
  owner: {
    name: 'Asha Patil',
    email: 'asha@example.in',
    phone: '98765 43210',
    password: 'a long passphrase',
    ageConfirmed: true,
  },
});

function portFrom(variable: string, fallback: number): number {
  const n = Number(process.env[variable]);
  return process.env[variable] && Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}

/**
 * The provider simulator, started first (it listens in a fraction of a second, while the broker
 * starts), with fresh credentials shared with the platform. LEKHA_PROVIDER_SIMULATOR=off skips it.
 */
function startProviderSimulator() {
  if (process.env.LEKHA_PROVIDER_SIMULATOR === 'off') return undefined;
  const environment = simulatorEnvironment({
    simulatorPort: portFrom('SIMULATOR_PORT', 3200),
    smtpPort: portFrom('SIMULATOR_SMTP_PORT', 2525),
    // The launcher gives the gateway its well-known port (see startPlatform).
    gatewayUrl: `http://127.0.0.1:${SERVICE_PORTS.gateway.port}`,
    current: process.env,
  });
  const proc = new SimulatorProcess({
    root: ROOT,
    env: { ...process.env, ...environment.simulator },
    onLine: (line) => {
      if (process.env.LEKHA_VERBOSE === '1') process.stdout.write(`${'simulator'.padEnd(13)} ${line}\n`);
    },
  });
  proc.start();
  return { proc, environment };
}

function simulatorLines(url: string, smtpPort: number | null, real: string[]): string {
  return `  Providers ${url}   (simulator: MSG91, Gupshup, Twilio, WhatsApp Cloud API, Razorpay${
    smtpPort ? `; SMTP on port ${smtpPort}` : ''
  }${real.length ? `; real accounts from the environment: ${real.join(', ')}` : ''})
            what it received: ${url}/  (JSON: ${url}/_sim/messages)
`;
}

/** `lekha dev`: broker (if needed), topics, all six services; Ctrl-C stops everything it started. */
export async function devCommand(dataDir: string): Promise<number> {
  const simulator = startProviderSimulator();
  const keyFile =
    process.env.LEKHA_MASTER_KEY || process.env.LEKHA_MASTER_KEY_FILE
      ? undefined
      : await ensureMasterKeyFile(join(dataDir, 'master.key'));
  const busKeyFile =
    process.env.LEKHA_BUS_KEY || process.env.LEKHA_BUS_KEY_FILE
      ? undefined
      : await ensureBusKeyFile(join(dataDir, 'bus.key'));
  // The first platform admin: a password generated into the data folder unless one is configured.
  const adminPasswordFile = process.env.PLATFORM_ADMIN_PASSWORD_FILE
    ? undefined
    : (await ensurePlatformAdminPasswordFile(join(dataDir, 'platform-admin.password'))).path;
  const adminEmail = process.env.PLATFORM_ADMIN_EMAIL || LOCAL_PLATFORM_ADMIN_EMAIL;
  // Development features are on only because this command asks for them; the inbox secret is new at every start.
  const env = process.env.LEKHA_ENV || 'development';
  const devInboxSecret = env === 'production' ? undefined : randomBytes(24).toString('base64url');
  const { brokers, local } = await brokersOrLocal(dataDir);
  let stopping = false;
  const stopAll = async (platformStop?: () => Promise<void>) => {
    if (stopping) return;
    stopping = true;
    step('stopping…');
    await platformStop?.();
    await simulator?.proc.stop();
    await local?.stop();
    step('stopped');
  };
  try {
    await provision(brokers);
    // Ready long before this point; a simulator that could not start (its port taken) is reported, not fatal.
    let simulated: { url: string; smtpPort: number | null } | undefined;
    if (simulator) {
      try {
        simulated = await simulator.proc.waitReady(10_000);
        step(`provider simulator ready at ${simulated.url}`);
      } catch (err) {
        step(`provider simulator not started (${(err as Error).message.split('\n')[0]}); providers are unset`);
      }
    }
    step(`starting services (${process.env.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite under ${dataDir}`})`);
    const platform = await startPlatform({
      root: ROOT,
      auditKeysDir: join(dataDir, 'audit-keys'),
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(','),
        LEKHA_DATA_DIR: dataDir,
        LEKHA_ENV: env,
        ...(devInboxSecret ? { DEV_INBOX_SECRET: devInboxSecret } : {}),
        ...(keyFile ? { LEKHA_MASTER_KEY_FILE: keyFile } : {}),
        ...(busKeyFile ? { LEKHA_BUS_KEY_FILE: busKeyFile } : {}),
        PLATFORM_ADMIN_EMAIL: adminEmail,
        ...(adminPasswordFile ? { PLATFORM_ADMIN_PASSWORD_FILE: adminPasswordFile } : {}),
        ...(simulated ? simulator?.environment.platform : {}),
      },
      onProgress: (m) => step(m),
      onLine: (service, line) => {
        const text = prettyLine(service, line);
        if (text) process.stdout.write(`${text}\n`);
      },
    });
    const url = platform.gatewayUrl;
    const providerLines = simulated
      ? simulatorLines(simulated.url, simulated.smtpPort, simulator!.environment.real)
      : '';
    process.stdout.write(`
${bold('Lekha is running.')}
  Gateway   ${url}
  OpenAPI   ${url}/docs   (JSON: ${url}/docs/openapi.json)
  Health    ${url}/health
  Services  ${Object.entries(SERVICE_PORTS)
    .map(([n, p]) => `${n}:${process.env[p.variable] ?? p.port}`)
    .join('  ')}
  Platform admin  ${adminEmail}${adminPasswordFile ? `, password in ${adminPasswordFile}` : ''}
${providerLines}${devInboxSecret ? devInboxLines(url, env, devInboxSecret) : ''}
Try it:
  curl -s -X POST ${url}/v1/auth/signup -H 'content-type: application/json' -d '${SIGNUP_EXAMPLE}'

Ctrl-C stops everything.
`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      for (const svc of platform.services.values()) {
        void svc.waitExit().then((code) => {
          if (!stopping) step(`${svc.opts.name} exited (code ${code}); stopping the rest`);
          resolve();
        });
      }
    });
    await stopAll(() => platform.stop());
    return 0;
  } catch (err) {
    process.stderr.write(`lekha dev failed: ${(err as Error).message}\n`);
    await stopAll();
    return 1;
  }
}
