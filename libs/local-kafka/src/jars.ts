// Fetching and caching the Kafka broker jars from Maven Central (via `mvn`).
//
// Layout of the cache (default <repo>/.cache/kafka, git-ignored):
//   <cacheDir>/<version>/libs/*.jar    every runtime jar of kafka_2.13 + log4j2
//   <cacheDir>/<version>/.complete     marker written only after a successful copy
//   <cacheDir>/<version>/.lock/        held while a download runs (cross-process)
//
// A download that died half-way leaves no marker, so the next call redoes it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Newest Kafka release on Maven Central that kafkajs 2.2.4 works with
 * (admin, idempotent + transactional producer, consumer groups), proven by
 * local-kafka.smoke.ts. Keep in sync with <kafka.version> in tools/kafka/pom.xml.
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** Repository root (libs/local-kafka/src -> ../../..). */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const KAFKA_TOOLS_DIR: string = join(REPO_ROOT, 'tools', 'kafka');
export const KAFKA_POM: string = join(KAFKA_TOOLS_DIR, 'pom.xml');
export const KAFKA_LOG4J2_CONFIG: string = join(KAFKA_TOOLS_DIR, 'log4j2.xml');
export const DEFAULT_CACHE_DIR: string = join(REPO_ROOT, '.cache', 'kafka');

export interface EnsureKafkaJarsOptions {
  /** Kafka version; default: $KAFKA_VERSION, else DEFAULT_KAFKA_VERSION. */
  version?: string;
  /** Cache root; default: $KAFKA_CACHE_DIR, else <repo>/.cache/kafka. */
  cacheDir?: string;
  /** Progress lines (download start/end). */
  log?: (line: string) => void;
}

export function resolveKafkaVersion(version?: string): string {
  const v = version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  if (!/^\d+\.\d+\.\d+([.-][0-9A-Za-z.-]+)?$/.test(v)) {
    throw new Error(`local-kafka: invalid Kafka version ${JSON.stringify(v)}`);
  }
  return v;
}

export function resolveCacheDir(cacheDir?: string): string {
  return resolve(cacheDir ?? process.env.KAFKA_CACHE_DIR ?? DEFAULT_CACHE_DIR);
}

interface Marker {
  version: string;
  jars: string[];
  fetchedAt: string;
}

async function readMarker(markerFile: string, libsDir: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(markerFile, 'utf8')) as Marker;
    if (!Array.isArray(marker.jars) || marker.jars.length === 0) return undefined;
    if (!marker.jars.every((jar) => existsSync(join(libsDir, jar)))) return undefined;
    return marker;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Cross-process lock: mkdir is atomic. A lock whose owner pid is gone is stale. */
async function withLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // owner is between mkdir and writeFile, or gone
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`local-kafka: timed out waiting for lock ${lockDir}`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

function runMvn(args: string[]): Promise<{ code: number | null; output: string }> {
  const mvn = process.env.MVN ?? 'mvn';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(mvn, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.on('error', (err) =>
      reject(new Error(`local-kafka: cannot run ${mvn} (is Maven installed and on PATH?): ${err.message}`)),
    );
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/**
 * Makes sure the jars of Kafka `version` are in `<cacheDir>/<version>/libs` and
 * returns that directory. Idempotent; runs `mvn dependency:copy-dependencies` on
 * tools/kafka/pom.xml only when the cache is missing or incomplete.
 */
export async function ensureKafkaJars(opts: EnsureKafkaJarsOptions = {}): Promise<string> {
  const version = resolveKafkaVersion(opts.version);
  const versionDir = join(resolveCacheDir(opts.cacheDir), version);
  const libsDir = join(versionDir, 'libs');
  const markerFile = join(versionDir, '.complete');
  if (await readMarker(markerFile, libsDir)) return libsDir;

  await mkdir(versionDir, { recursive: true });
  return withLock(join(versionDir, '.lock'), async () => {
    // Someone else may have finished while we waited for the lock.
    if (await readMarker(markerFile, libsDir)) return libsDir;
    await rm(markerFile, { force: true });
    // Leftovers of downloads that died half-way.
    for (const entry of await readdir(versionDir)) {
      if (entry.startsWith('libs.tmp-')) await rm(join(versionDir, entry), { recursive: true, force: true });
    }
    const tmpDir = join(versionDir, `libs.tmp-${process.pid}`);
    const started = Date.now();
    opts.log?.(`local-kafka: fetching Kafka ${version} jars with mvn into ${libsDir}`);
    const { code, output } = await runMvn([
      '-B',
      '-q',
      '-f',
      KAFKA_POM,
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmpDir}`,
    ]);
    if (code !== 0) {
      await rm(tmpDir, { recursive: true, force: true });
      throw new Error(
        `local-kafka: mvn failed (exit ${code}) fetching Kafka ` +
          `${version}:\n${output.trim().split('\n').slice(-40).join('\n')}`,
      );
    }
    const jars = (await readdir(tmpDir)).filter((f) => f.endsWith('.jar')).sort();
    if (!jars.includes(`kafka_2.13-${version}.jar`)) {
      throw new Error(`local-kafka: mvn finished but kafka_2.13-${version}.jar is missing in ${tmpDir}`);
    }
    await rm(libsDir, { recursive: true, force: true });
    await rename(tmpDir, libsDir);
    const marker: Marker = { version, jars, fetchedAt: new Date().toISOString() };
    await writeFile(markerFile, JSON.stringify(marker, null, 2) + '\n');
    opts.log?.(`local-kafka: fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return libsDir;
  });
}
