// The broker's JVM: how it is found and run, and that it never outlives the Node process that
// started it (see broker.ts for the lifetime rules).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

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

export function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function runSync(cmd: string, args: string[], logFile: string): { status: number | null; output: string } {
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

/** A running JVM: the child, a promise that settles when it exits, and the spawn error, if any. */
export interface JvmProcess {
  child: ChildProcess;
  exited: Promise<void>;
  spawnError(): Error | undefined;
}

/**
 * Starts `java javaArgs` in `cwd` with stdout and stderr appended to `stdoutLog`; on Linux through
 * `setpriv --pdeathsig KILL`, so the kernel kills it when this process dies.
 */
export function spawnJvm(javaArgs: string[], cwd: string, stdoutLog: string): JvmProcess {
  const out = openSync(stdoutLog, 'a');
  const [cmd, args] = hasSetpriv()
    ? ['setpriv', ['--pdeathsig', 'KILL', '--', javaBin(), ...javaArgs]]
    : [javaBin(), javaArgs];
  const c = spawn(cmd as string, args as string[], {
    cwd,
    stdio: ['ignore', out, out],
    detached: false,
  });
  closeSync(out);
  live.add(c);
  installExitHook();
  let spawnError: Error | undefined;
  const exited = new Promise<void>((res) => {
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
  return { child: c, exited, spawnError: () => spawnError };
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
