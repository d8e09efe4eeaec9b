import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import type { ServiceName } from './services.js';

export interface ServiceProcessOptions {
  name: ServiceName;
  root: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Every line the service prints (JSON logs), with its name. */
  onLine?: (service: ServiceName, line: string) => void;
}

/** One service as a child process of the current Node (so it runs on the same Node 24). */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private tail: string[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);
  /** Given to the process at start; its readiness answer must carry it. */
  private instanceId = '';

  constructor(readonly opts: ServiceProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.instanceId = randomUUID();
    const entry = join(this.opts.root, 'apps', this.opts.name, 'dist', 'main.js');
    // LEKHA_NODE_ARGS: extra Node flags for every service (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile).
    const extra = this.opts.env.LEKHA_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const flags = ['--enable-source-maps', ...extra];
    const child = spawn(process.execPath, [...flags, entry], {
      cwd: this.opts.root,
      env: {
        // Node keeps the code it compiled for the platform's modules (~15% of each start) beside node_modules.
        NODE_COMPILE_CACHE: join(this.opts.root, 'node_modules', '.cache', 'lekha', 'node-compile'),
        ...this.opts.env,
        LEKHA_EXIT_WITH_PARENT: '1',
        LEKHA_INSTANCE_ID: this.instanceId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.tail = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        this.opts.onLine?.(this.opts.name, line);
      });
    }
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  /** Last lines printed, for error messages. */
  lastLines(): string {
    return this.tail.join('\n');
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.opts.name} exited during start-up:\n${this.lastLines()}`);
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        let instance: unknown;
        try {
          instance = (JSON.parse(body) as { instance?: unknown }).instance;
        } catch {
          instance = undefined;
        }
        // Another process on the port (one that was there before, or a sibling given the same port)
        // is not this service: keep waiting, and fail when this one exits for want of the port.
        if (instance !== this.instanceId)
          last = `another process answers on port ${this.opts.port}: ${body.slice(0, 200)}`;
        else if (res.status === 200) return;
        else last = body;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`${this.opts.name} not ready after ${timeoutMs} ms (last answer: ${last})\n${this.lastLines()}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  async stop(graceMs = 10_000): Promise<void> {
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
