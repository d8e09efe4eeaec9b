// Waiting until a freshly started broker serves admin requests, and explaining why when it does not.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

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

export function fileSize(file: string): number {
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

export async function waitUntilReady(opts: {
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
