import { Controller, Get, HttpCode, Injectable, Module, Res, Global } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';

type Check = () => Promise<void>;

/** Readiness checks the service registers (broker, database, ...). */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, Check>();
  private readonly details = new Map<string, () => unknown>();
  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }
  /** Figures shown beside the checks in /health/ready (e.g. `bus: { partitions, handled, expired }`). */
  describe(name: string, detail: () => unknown): void {
    this.details.set(name, detail);
  }
  snapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.details].map(([name, detail]) => [name, detail()]));
  }
  async evaluate(): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; error?: string }> }> {
    const results: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          results[name] = { ok: true };
        } catch (err) {
          results[name] = { ok: false, error: (err as Error).message.slice(0, 200) };
        }
      }),
    );
    return { ready: this.checks.size > 0 && Object.values(results).every((r) => r.ok), checks: results };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]);
}

@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @HttpCode(200)
  @ApiResponse({
    status: 200,
    description: 'The process answers',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiResponse({
    status: 200,
    description: 'Ready: every check passed (503 with the same body otherwise)',
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ready', 'not_ready'] },
        instance: { type: 'string', nullable: true },
        checks: { type: 'object', additionalProperties: true },
      },
    },
  })
  async ready(@Res() res: Response) {
    const result = await this.readiness.evaluate();
    // `instance`: the ID a launcher gave this process, so it knows the answer is from the process it
    // started and not from another one already listening on the port.
    res.status(result.ready ? 200 : 503).json({
      status: result.ready ? 'ready' : 'not_ready',
      instance: process.env.LEKHA_INSTANCE_ID ?? null,
      checks: result.checks,
      ...this.readiness.snapshot(),
    });
  }
}

@Global()
@Module({ controllers: [HealthController], providers: [Readiness], exports: [Readiness] })
export class HealthModule {}
