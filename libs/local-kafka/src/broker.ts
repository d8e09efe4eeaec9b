// A real single-node Apache Kafka broker (KRaft, combined broker+controller)
// run from the jars cached by ensureKafkaJars().
//
// Layout of dataDir:
//   server.properties   written on every start (ports may change between starts)
//   kraft/              log.dirs: topic data + __cluster_metadata (survives restarts)
//   logs/server.log     broker log (log4j2, tools/kafka/log4j2.xml)
//   logs/stdout.log     the JVM's stdout/stderr (WARN+ log lines, JVM errors)
//   logs/format.log     output of the StorageTool format run
//
// Lifetime: the broker must not outlive the Node process that started it.
//  - On Linux the JVM is started through `setpriv --pdeathsig KILL` (util-linux),
//    so the kernel SIGKILLs it as soon as the parent dies, however the parent
//    dies (crash, SIGKILL, Ctrl-C). Kafka is crash-safe, so the only cost is log
//    recovery on the next start.
//  - In addition a process 'exit' handler sends SIGTERM to every broker still
//    running (covers platforms without setpriv when Node exits normally).
//  - The child is not detached, so it stays in the parent's process group and
//    also gets the terminal's Ctrl-C.
// Call stop() for a clean shutdown.

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureKafkaJars, KAFKA_LOG4J2_CONFIG, resolveKafkaVersion } from './jars.js';
import { javaBin, runSync, spawnJvm, type JvmProcess } from './jvm.js';
import { assertPortFree, freePorts } from './ports.js';
import { serverProperties } from './properties.js';
import { fileSize, waitUntilReady } from './readiness.js';

export interface StartLocalKafkaOptions {
  /** Directory for config, data and logs; created if missing; data survives restarts. */
  dataDir: string;
  /** Client (PLAINTEXT) port on 127.0.0.1; 0 or undefined = pick a free port. */
  port?: number;
  /** KRaft controller port on 127.0.0.1; 0 or undefined = pick a free port. */
  controllerPort?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Kafka version; default $KAFKA_VERSION, else DEFAULT_KAFKA_VERSION. */
  version?: string;
  /** Jar cache root (see ensureKafkaJars). */
  cacheDir?: string;
  /** How long to wait for the broker to serve requests; default 60 s. */
  readyTimeoutMs?: number;
  /** Extra/overriding server.properties entries. */
  properties?: Record<string, string>;
  /** JVM heap flags; default ['-Xms256m', '-Xmx512m']. */
  heapOpts?: string[];
}

export interface LocalKafka {
  /** ['127.0.0.1:<port>'] */
  readonly brokers: string[];
  /** pid of the running JVM (changes after restart()). */
  readonly pid: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly version: string;
  /** Path of the broker's server.log. */
  readonly logFile: string;
  /** SIGTERM, wait for exit; SIGKILL after 15 s. No-op when not running. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL) and return at once; for crash tests. */
  kill(signal?: NodeJS.Signals): void;
  /** (Stop if running, then) start the same broker on the same ports and data; waits until ready. */
  restart(): Promise<void>;
}

/**
 * Starts a single-node KRaft broker in `dataDir` (formatting the storage on first
 * use) and resolves once it answers admin requests.
 */
export async function startLocalKafka(opts: StartLocalKafkaOptions): Promise<LocalKafka> {
  const log = opts.log ?? ((): void => undefined);
  const version = resolveKafkaVersion(opts.version);
  const dataDir = resolve(opts.dataDir);
  const logsDir = join(dataDir, 'logs');
  const kraftDir = join(dataDir, 'kraft');
  const propsFile = join(dataDir, 'server.properties');
  const serverLog = join(logsDir, 'server.log');
  const stdoutLog = join(logsDir, 'stdout.log');
  const formatLog = join(logsDir, 'format.log');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  await mkdir(logsDir, { recursive: true });

  const libsDir = await ensureKafkaJars({ version, cacheDir: opts.cacheDir, log });
  const classpath = join(libsDir, '*');
  if (opts.port) await assertPortFree(opts.port, 'client');
  if (opts.controllerPort) await assertPortFree(opts.controllerPort, 'controller');
  if (opts.port && opts.port === opts.controllerPort)
    throw new Error('local-kafka: port and controllerPort must differ');
  const [freeA, freeB] = await freePorts(2);
  const port = opts.port || freeA!;
  const controllerPort = opts.controllerPort || (freeB === port ? freeA! : freeB!);
  const brokers = [`127.0.0.1:${port}`];

  await writeFile(
    propsFile,
    serverProperties({ port, controllerPort, logDirs: kraftDir, extra: opts.properties ?? {} }),
  );

  const jvmCommon = [
    `-Dlog4j2.configurationFile=${KAFKA_LOG4J2_CONFIG}`,
    `-Dkafka.logs.dir=${logsDir}`,
    '-Djava.awt.headless=true',
    '-cp',
    classpath,
  ];

  // Format the KRaft storage once; meta.properties marks a formatted log dir.
  if (!existsSync(join(kraftDir, 'meta.properties'))) {
    // A Kafka cluster id is 16 bytes in base64url. One that starts with '-' would be read by
    // StorageTool as an option (1 start in 64); clearing the first byte's top bit makes the first
    // character a letter.
    const idBytes = randomBytes(16);
    idBytes[0] = idBytes[0]! & 0x7f;
    const clusterId = idBytes.toString('base64url');
    log(`local-kafka: formatting KRaft storage in ${kraftDir} (cluster id ${clusterId})`);
    const r = runSync(
      javaBin(),
      [
        '-Xmx256m',
        ...jvmCommon,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propsFile,
        '--ignore-formatted',
      ],
      formatLog,
    );
    if (r.status !== 0) {
      throw new Error(`local-kafka: StorageTool format failed (exit ${r.status}):\n${r.output.trim()}`);
    }
  }

  const heapOpts = opts.heapOpts ?? ['-Xms256m', '-Xmx512m'];
  const javaArgs = [
    ...heapOpts,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    ...jvmCommon,
    'kafka.Kafka',
    propsFile,
  ];

  let child: ChildProcess | undefined;
  let jvm: JvmProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const spawnBroker = (): void => {
    jvm = spawnJvm(javaArgs, dataDir, stdoutLog);
    exited = jvm.exited;
    child = jvm.child;
  };

  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || !isRunning()) {
      await exited;
      return;
    }
    c.kill('SIGTERM');
    const timer = setTimeout(() => {
      log('local-kafka: broker did not stop within 15s, sending SIGKILL');
      c.kill('SIGKILL');
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };

  const startAndWait = async (): Promise<void> => {
    const started = Date.now();
    const logOffsets: [number, number] = [fileSize(serverLog), fileSize(stdoutLog)];
    spawnBroker();
    try {
      await waitUntilReady({
        brokers,
        child: child!,
        exited,
        timeoutMs: readyTimeoutMs,
        serverLog,
        stdoutLog,
        logOffsets,
      });
    } catch (err) {
      if (isRunning()) child!.kill('SIGKILL');
      await exited;
      throw jvm?.spawnError() ?? err;
    }
    log(`local-kafka: Kafka ${version} ready on ${brokers[0]} (pid ${child!.pid}) in ${Date.now() - started}ms`);
  };

  await startAndWait();

  return {
    brokers,
    get pid(): number {
      return child?.pid ?? -1;
    },
    port,
    controllerPort,
    dataDir,
    version,
    logFile: serverLog,
    stop,
    kill(signal: NodeJS.Signals = 'SIGKILL'): void {
      if (isRunning()) child!.kill(signal);
    },
    async restart(): Promise<void> {
      await stop();
      await startAndWait();
    },
  };
}
