import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The provider simulator (apps/provider-simulator) as a child process, and the environment that
 * points the platform at it: random credentials for this run, the same on both sides.
 */
export interface SimulatorProcessOptions {
  root: string;
  /** The simulator's own environment (credentials, ports, SIMULATOR_WEBHOOK_BASE_URL). */
  env: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const token = () => randomBytes(24).toString('base64url');
const digitString = (n: number) => Array.from({ length: n }, (_, i) => randomInt(i === 0 ? 1 : 0, 10)).join('');

/** Which variables say that a provider is configured for real (then the simulator leaves it alone). */
const REAL_ACCOUNT: Record<string, string> = {
  msg91: 'MSG91_AUTH_KEY',
  gupshup: 'GUPSHUP_USER_ID',
  twilio: 'TWILIO_ACCOUNT_SID',
  whatsapp: 'WHATSAPP_ACCESS_TOKEN',
  smtp: 'SMTP_URL',
  razorpay: 'RAZORPAY_KEY_ID',
};

export interface SimulatorEnvironment {
  /** What the platform's services get: base URLs, credentials, webhook settings. */
  platform: Record<string, string>;
  /** What the simulator gets. */
  simulator: Record<string, string>;
  /** Providers left to the caller's own configuration (a real account in the environment). */
  real: string[];
}

/**
 * Fresh credentials for one run. A provider whose account variable is already set in `current`
 * (a real account) is not pointed at the simulator.
 */
export function simulatorEnvironment(opts: {
  simulatorPort: number;
  smtpPort: number;
  gatewayUrl: string;
  current?: NodeJS.ProcessEnv;
}): SimulatorEnvironment {
  const current = opts.current ?? {};
  const real = Object.entries(REAL_ACCOUNT)
    .filter(([, variable]) => current[variable])
    .map(([p]) => p);
  const simUrl = `http://127.0.0.1:${opts.simulatorPort}`;
  const smtpUser = `lekha-${hex(4)}`;
  const smtpPass = token();
  const byProvider: Record<string, Record<string, string>> = {
    msg91: { MSG91_BASE_URL: simUrl, MSG91_AUTH_KEY: hex(12) },
    gupshup: { GUPSHUP_BASE_URL: simUrl, GUPSHUP_USER_ID: digitString(10), GUPSHUP_PASSWORD: token() },
    twilio: { TWILIO_BASE_URL: simUrl, TWILIO_ACCOUNT_SID: `AC${hex(16)}`, TWILIO_AUTH_TOKEN: hex(16) },
    whatsapp: {
      WHATSAPP_BASE_URL: simUrl,
      WHATSAPP_ACCESS_TOKEN: token(),
      WHATSAPP_PHONE_NUMBER_ID: digitString(15),
      WHATSAPP_APP_SECRET: hex(16),
      WHATSAPP_VERIFY_TOKEN: token(),
    },
    razorpay: {
      RAZORPAY_BASE_URL: simUrl,
      RAZORPAY_KEY_ID: `rzp_test_${hex(7)}`,
      RAZORPAY_KEY_SECRET: token(),
      RAZORPAY_WEBHOOK_SECRET: token(),
    },
    smtp: {
      SMTP_URL: `smtp://${smtpUser}:${encodeURIComponent(smtpPass)}@127.0.0.1:${opts.smtpPort}`,
      SMTP_FROM: 'Lekha <no-reply@lekha.localhost>',
    },
  };
  const shared: Record<string, string> = {};
  for (const [provider, vars] of Object.entries(byProvider)) if (!real.includes(provider)) Object.assign(shared, vars);
  // The platform account's DLT registration for its own SMS (the simulator takes any; a real account brings its own).
  const platformDlt: Record<string, string> =
    real.includes('msg91') || current.NOTIFICATIONS_PLATFORM_PE_ID
      ? {}
      : {
          NOTIFICATIONS_PLATFORM_PE_ID: '1101000000000000001',
          NOTIFICATIONS_PLATFORM_SMS_HEADER: 'LEKHAA',
          NOTIFICATIONS_PLATFORM_DLT_TEMPLATE_ID: '1107000000000000001',
          NOTIFICATIONS_PLATFORM_PROVIDER_TEMPLATE_ID: 'lekha-platform-text',
        };
  const pathToken = current.WEBHOOK_PATH_TOKEN || token();
  return {
    platform: {
      ...shared,
      ...platformDlt,
      WEBHOOK_PATH_TOKEN: pathToken,
      PUBLIC_WEBHOOK_BASE_URL: current.PUBLIC_WEBHOOK_BASE_URL || opts.gatewayUrl,
    },
    simulator: {
      ...shared,
      WEBHOOK_PATH_TOKEN: pathToken,
      SIMULATOR_PORT: String(opts.simulatorPort),
      SIMULATOR_SMTP_PORT: String(opts.smtpPort),
      SIMULATOR_WEBHOOK_BASE_URL: opts.gatewayUrl,
    },
    real,
  };
}

/** The simulator as a child process of the current Node. */
export class SimulatorProcess {
  private child: ChildProcess | null = null;
  private tail: string[] = [];
  private ready: Promise<{ url: string; smtpPort: number | null }> | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(readonly opts: SimulatorProcessOptions) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process; `waitReady` resolves with its URL once it listens. */
  start(): void {
    const entry = join(this.opts.root, 'apps', 'provider-simulator', 'dist', 'main.js');
    const child = spawn(process.execPath, ['--enable-source-maps', entry], {
      cwd: this.opts.root,
      env: { ...this.opts.env, LEKHA_EXIT_WITH_PARENT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    this.ready = new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        this.tail.push(line);
        if (this.tail.length > 20) this.tail.shift();
        this.opts.onLine?.(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string; smtpPort?: number | null };
          if (entry.msg === 'provider simulator listening' && entry.url)
            resolve({ url: entry.url, smtpPort: entry.smtpPort ?? null });
        } catch {
          /* not a JSON line */
        }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      void this.exited.then((code) =>
        reject(new Error(`provider simulator exited (code ${code}):\n${this.tail.join('\n')}`)),
      );
    });
    this.ready.catch(() => undefined);
  }

  /**
   * Resolves with its URL once it listens. A minute by default: on a loaded two-core machine (CI runs two
   * test runs side by side) loading its modules alone has taken more than 10 s.
   */
  async waitReady(timeoutMs = 60_000): Promise<{ url: string; smtpPort: number | null }> {
    if (!this.ready) throw new Error('provider simulator not started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`provider simulator not ready after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async waitExit(): Promise<number | null> {
    return this.exited;
  }
}
