import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Rpc, type RpcPattern } from '@lekha/contracts';
import { Readiness } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';
import { z } from 'zod';
import { Answers } from '../operations/operation-access.js';

const SERVICES: Record<string, RpcPattern> = {
  identity: Rpc.identity.ping,
  'tenant-data': Rpc.tenantData.ping,
  billing: Rpc.billing.ping,
  notifications: Rpc.notifications.ping,
  compliance: Rpc.compliance.ping,
};

@ApiTags('health')
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly bus: BusClient,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  @Answers(
    z.object({
      status: z.enum(['ok', 'degraded']),
      gateway: z.record(z.string(), z.unknown()),
      services: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
    }),
  )
  @ApiOperation({ summary: 'The gateway and every service behind it (each answers a ping over the bus)' })
  async health(@Res() res: Response) {
    const gateway = await this.readiness.evaluate();
    const services: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(
      Object.entries(SERVICES).map(([name, pattern]) =>
        runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), async () => {
          try {
            await this.bus.call(pattern, {}, 2000);
            services[name] = { ok: true };
          } catch (err) {
            services[name] = { ok: false, error: (err as Error).message };
          }
        }),
      ),
    );
    const ok = gateway.ready && Object.values(services).every((s) => s.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', gateway: gateway.checks, services });
  }
}
