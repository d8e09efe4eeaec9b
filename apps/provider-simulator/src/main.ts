#!/usr/bin/env node
/**
 * Runs the provider simulator from the environment (the same credential variables the platform
 * reads; see docs/provider-simulator.md). Prints one JSON line when it listens.
 */
import { startSimulator } from './simulator.js';

const env = process.env;

/** A whole number from the environment within [min, max]; else a configuration error naming `what` it must be. */
function wholeNumber(name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`provider-simulator: configuration error: ${name} must be ${what}\n`);
    process.exit(78);
  }
  return n;
}

const port = (name: string, fallback: number) => wholeNumber(name, fallback, 0, 65535, 'a port number');

function smtpCredentials(): { user: string; pass: string } | undefined {
  if (!env.SMTP_URL) return undefined;
  try {
    const u = new URL(env.SMTP_URL);
    return u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined;
  } catch {
    process.stderr.write('provider-simulator: configuration error: SMTP_URL is not a URL\n');
    process.exit(78);
  }
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    host: env.SIMULATOR_HOST || '127.0.0.1',
    port: port('SIMULATOR_PORT', 3200),
    smtpPort: env.SIMULATOR_SMTP_PORT === 'off' ? false : port('SIMULATOR_SMTP_PORT', 2525),
    webhookBaseUrl: env.SIMULATOR_WEBHOOK_BASE_URL,
    webhookPathToken: env.WEBHOOK_PATH_TOKEN,
    receipts: env.SIMULATOR_RECEIPTS !== 'off',
    capacity: wholeNumber('SIMULATOR_CAPACITY', 10_000, 1, 1_000_000, 'from 1 to 1000000'),
    credentials: {
      msg91: { authKey: env.MSG91_AUTH_KEY },
      gupshup: { userId: env.GUPSHUP_USER_ID, password: env.GUPSHUP_PASSWORD },
      twilio: { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN },
      whatsapp: {
        accessToken: env.WHATSAPP_ACCESS_TOKEN,
        phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
        appSecret: env.WHATSAPP_APP_SECRET,
        verifyToken: env.WHATSAPP_VERIFY_TOKEN,
      },
      razorpay: {
        keyId: env.RAZORPAY_KEY_ID,
        keySecret: env.RAZORPAY_KEY_SECRET,
        webhookSecret: env.RAZORPAY_WEBHOOK_SECRET,
      },
      smtp: smtpCredentials(),
    },
  });
  process.stdout.write(
    `${JSON.stringify({
      level: 'info',
      msg: 'provider simulator listening',
      url: sim.url,
      smtpPort: sim.smtpPort ?? null,
      webhookBaseUrl: env.SIMULATOR_WEBHOOK_BASE_URL ?? null,
    })}\n`,
  );
  const stop = () => {
    setTimeout(() => process.exit(0), 2000).unref();
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by the launcher: leave with it, even when it dies without stopping us.
  if (env.LEKHA_EXIT_WITH_PARENT === '1') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 1000).unref();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`provider-simulator: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
