import { join } from 'node:path';
import { ensureAuditKeys } from './audit-keys.js';
import { ensureBusKeyFile } from './master-key-file.js';
import { ServiceProcess } from './service-process.js';
import { SERVICE_NAMES, SERVICE_PORTS, type ServiceName } from './services.js';

export interface PlatformOptions {
  /** Repository root (where apps/<service>/dist lives). */
  root: string;
  /** Environment for every service: KAFKA_BROKERS, DATABASE_URL, LEKHA_DATA_DIR, master key... */
  env: NodeJS.ProcessEnv;
  /** Where each service's audit signing key is kept (generated on first use). */
  auditKeysDir: string;
  /** Port per service; defaults to the well-known ports. */
  ports?: Partial<Record<ServiceName, number>>;
  services?: readonly ServiceName[];
  readyTimeoutMs?: number;
  onLine?: (service: ServiceName, line: string) => void;
  onProgress?: (message: string) => void;
}

export interface Platform {
  services: Map<ServiceName, ServiceProcess>;
  /** Further instances of services, started with addInstance. */
  instances: ServiceProcess[];
  gatewayUrl: string;
  /** Starts one more instance of a service (same environment, its own port) and waits until it is ready. */
  addInstance(name: ServiceName, port: number): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * Starts the services as child processes, all at once, and waits until every one reports ready.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const names = opts.services ?? SERVICE_NAMES;
  const services = new Map<ServiceName, ServiceProcess>();
  const portEnv: Record<string, string> = {};
  for (const name of SERVICE_NAMES) {
    portEnv[SERVICE_PORTS[name].variable] = String(opts.ports?.[name] ?? SERVICE_PORTS[name].port);
  }
  const keys = await ensureAuditKeys(opts.auditKeysDir);
  // Every service must share one bus key; a caller that gave none gets one kept beside the audit keys.
  const busKey =
    opts.env.LEKHA_BUS_KEY || opts.env.LEKHA_BUS_KEY_FILE
      ? {}
      : { LEKHA_BUS_KEY_FILE: await ensureBusKeyFile(join(opts.auditKeysDir, 'bus.key')) };
  const processOf = (name: ServiceName, port: number) =>
    new ServiceProcess({
      name,
      root: opts.root,
      port,
      env: {
        ...opts.env,
        ...busKey,
        ...portEnv,
        [SERVICE_PORTS[name].variable]: String(port),
        AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile(name),
        AUDIT_TRUSTED_KEYS_FILE: keys.trustedKeysFile,
      },
      onLine: opts.onLine,
    });
  for (const name of names) services.set(name, processOf(name, Number(portEnv[SERVICE_PORTS[name].variable])));
  // Services on embedded PGlite load a new cluster from one template instead of each running initdb:
  // make it once here, before they start at the same moment.
  if (!opts.env.DATABASE_URL) await (await import('@lekha/persistence')).ensurePgliteTemplate();
  const timeout = opts.readyTimeoutMs ?? 90_000;
  const extra: ServiceProcess[] = [];
  const platform: Platform = {
    services,
    instances: extra,
    gatewayUrl: `http://127.0.0.1:${portEnv.GATEWAY_PORT}`,
    async addInstance(name, port) {
      const instance = processOf(name, port);
      extra.push(instance);
      instance.start();
      await instance.waitReady(timeout);
      return instance;
    },
    async stop() {
      await Promise.all([...services.values(), ...extra].map((s) => s.stop()));
    },
  };
  try {
    // All at once: the gateway no longer waits for the others to be ready before it starts (its own
    // readiness needs the bus and identity's published keys), and this returns only when every one is.
    for (const name of names) services.get(name)!.start();
    const started = Date.now();
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    // Every service gets the whole wait, so that a failure names each one that was not ready (and
    // when the others were), not only the first to give up.
    const outcomes = await Promise.all(
      names.map(async (name): Promise<{ name: ServiceName; took?: string; error?: Error }> => {
        try {
          await services.get(name)!.waitReady(timeout);
          const took = seconds();
          opts.onProgress?.(`${name} ready (${took})`);
          return { name, took };
        } catch (err) {
          return { name, error: err as Error };
        }
      }),
    );
    const failed = outcomes.filter((o) => o.error);
    if (failed.length) {
      const ready = outcomes.filter((o) => !o.error).map((o) => `${o.name} (${o.took})`);
      throw new Error(
        `platform not ready after ${seconds()} (readiness timeout ${timeout} ms): ` +
          `not ready: ${failed.map((o) => o.name).join(', ')}; ready: ${ready.join(', ') || 'none'}\n` +
          failed.map((o) => `--- ${o.name}: ${o.error!.message}`).join('\n'),
      );
    }
  } catch (err) {
    await platform.stop();
    throw err;
  }
  return platform;
}
