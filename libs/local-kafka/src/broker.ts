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

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import kafkajs from 'kafkajs';
import { ensureKafkaJars, KAFKA_LOG4J2_CONFIG, resolveKafkaVersion } from './jars.js';

const { Kafka, logLevel } = kafkajs;

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

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivAvailable === undefined) {
    if (process.platform !== 'linux') {
      setprivAvailable = false;
    } else {
      const r = spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' });
      setprivAvailable = r.status === 0;
    }
  }
  return setprivAvailable;
}

function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** The lowest port the system hands out for outgoing connections and `listen(0)` (Linux; else 32768). */
function ephemeralFloor(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

const PORTS_FROM = 20_000;

/**
 * `count` distinct free ports for services to listen on, taken below the ephemeral range so that no
 * outgoing connection (Kafka, PostgreSQL) can be given one as its local port before the service
 * binds it, and each held open until all are chosen so that none is handed out twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const floor = ephemeralFloor();
  const servers: Server[] = [];
  const listen = (port: number) =>
    new Promise<Server | null>((res, rej) => {
      const srv = createServer();
      srv.once('error', (err: NodeJS.ErrnoException) =>
        err.code === 'EADDRINUSE' || err.code === 'EACCES' ? res(null) : rej(err),
      );
      srv.listen(port, '127.0.0.1', () => res(srv));
    });
  try {
    for (let attempt = 0; servers.length < count; attempt++) {
      // Below the ephemeral range while it has room; the system's own choice otherwise.
      const port =
        floor - PORTS_FROM > 1000 && attempt < 1000 ? PORTS_FROM + Math.floor(Math.random() * (floor - PORTS_FROM)) : 0;
      const srv = await listen(port);
      if (srv) servers.push(srv);
    }
    return servers.map((srv) => (srv.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((res) => srv.close(res))));
  }
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Text appended to `file` since byte `from` (whole file if it was rotated). */
function readSince(file: string, from: number): string {
  try {
    const buf = readFileSync(file);
    return buf.subarray(buf.length >= from ? from : 0).toString('utf8');
  } catch {
    return '';
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return text.trim() === '' ? '(empty)' : all.slice(-lines).join('\n');
}

/** ERROR/FATAL lines with the exception line after each and "Caused by" lines: usually the real reason. */
function errorLines(text: string, max: number): string {
  const lines = text.split('\n');
  const picked: string[] = [];
  lines.forEach((l, i) => {
    if (/^\[[^\]]+\] (ERROR|FATAL) /.test(l)) {
      picked.push(l);
      const next = lines[i + 1];
      if (next && !next.startsWith('[') && !next.startsWith('\t')) picked.push(`  ${next}`);
    } else if (l.startsWith('Caused by: ')) {
      picked.push(`  ${l}`);
    }
  });
  return picked.length > 0 ? picked.slice(0, max).join('\n') : '(none)';
}

/** Rejects with a clear message when something already listens on 127.0.0.1:port. */
function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`local-kafka: ${what} port 127.0.0.1:${port} is not free (${err.code ?? err.message})`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise()));
  });
}

function serverProperties(p: {
  port: number;
  controllerPort: number;
  logDirs: string;
  extra: Record<string, string>;
}): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // Static KRaft quorum with this node as the only voter. (The dynamic-quorum
    // alternative, controller.quorum.bootstrap.servers + `format --standalone`,
    // bakes the controller endpoint into the metadata log; static voters let the
    // ports change between starts and work identically on 3.9 and 4.x.)
    'controller.quorum.voters': `1@127.0.0.1:${p.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': p.logDirs,
    'auto.create.topics.enable': 'false',
    'num.partitions': '3',
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '10',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // After a crash (SIGKILL) the restarted node cannot re-register until the
    // controller expires the dead incarnation's session (DuplicateBrokerRegistration
    // until then): 9 s by default. 4 s keeps crash-restart tests quick while
    // still tolerating 3 missed heartbeats on a busy 2-core machine.
    'broker.session.timeout.ms': '4000',
    'broker.heartbeat.interval.ms': '1000',
    // 2-core machines: fewer threads than the defaults (3 network / 8 io / 10 background).
    'num.network.threads': '2',
    'num.io.threads': '4',
    'background.threads': '4',
    'num.recovery.threads.per.data.dir': '1',
    'log.retention.check.interval.ms': '300000',
    ...p.extra,
  };
  return (
    '# Written by libs/local-kafka on every start; edits are overwritten.\n' +
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
  );
}

function runSync(cmd: string, args: string[], logFile: string): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`local-kafka: cannot run ${cmd}: ${r.error.message} (is Java 17+ installed?)`);
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  try {
    appendFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${output}\n`);
  } catch {
    // best effort, for debugging only
  }
  return { status: r.status, output };
}

async function waitUntilReady(opts: {
  brokers: string[];
  child: ChildProcess;
  exited: Promise<unknown>;
  timeoutMs: number;
  serverLog: string;
  stdoutLog: string;
  /** sizes of the two logs when this JVM was spawned */
  logOffsets: [number, number];
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let exitedEarly = false;
  const exitedMarker = opts.exited.then(() => {
    exitedEarly = true;
    return 'exited' as const;
  });
  let lastError = 'no attempt made';
  while (Date.now() < deadline && !exitedEarly) {
    const kafka = new Kafka({
      clientId: 'local-kafka-readiness',
      brokers: opts.brokers,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin({ retry: { retries: 0 } });
    const attempt = async (): Promise<'ready'> => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('describeCluster returned no live broker yet');
      await admin.listTopics();
      return 'ready';
    };
    try {
      // Stop waiting at once if the JVM dies (bad config, port taken, ...).
      if ((await Promise.race([attempt(), exitedMarker])) === 'ready') return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (!exitedEarly) await sleep(250);
  }
  const why = exitedEarly
    ? `the broker process exited during startup (code ${opts.child.exitCode}, signal ${opts.child.signalCode})`
    : `broker not ready after ${Math.round(opts.timeoutMs / 1000)}s (last error: ${lastError})`;
  const serverText = readSince(opts.serverLog, opts.logOffsets[0]);
  const stdoutText = readSince(opts.stdoutLog, opts.logOffsets[1]);
  throw new Error(
    `local-kafka: ${why}\n--- ERROR lines of ${opts.serverLog} (this start) ---\n${errorLines(serverText, 16)}\n` +
      `--- tail of ${opts.serverLog} ---\n${tail(serverText, 25)}\n` +
      `--- tail of ${opts.stdoutLog} ---\n${tail(stdoutText, 10)}`,
  );
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
  let exited: Promise<void> = Promise.resolve();
  let spawnError: Error | undefined;

  const spawnBroker = (): void => {
    const out = openSync(stdoutLog, 'a');
    const [cmd, args] = hasSetpriv()
      ? ['setpriv', ['--pdeathsig', 'KILL', '--', javaBin(), ...javaArgs]]
      : [javaBin(), javaArgs];
    const c = spawn(cmd as string, args as string[], {
      cwd: dataDir,
      stdio: ['ignore', out, out],
      detached: false,
    });
    closeSync(out);
    live.add(c);
    installExitHook();
    exited = new Promise<void>((res) => {
      c.once('exit', () => {
        live.delete(c);
        res();
      });
      c.once('error', (err) => {
        live.delete(c);
        spawnError = new Error(
          `local-kafka: cannot start ${cmd} (is Java 17+ installed, JAVA_HOME right?): ${err.message}`,
        );
        res();
      });
    });
    child = c;
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
    spawnError = undefined;
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
      throw spawnError ?? err;
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

/** Resident memory of a process in MiB (Linux /proc), or undefined. */
export async function processRssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
