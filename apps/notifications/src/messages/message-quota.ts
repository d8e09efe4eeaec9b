import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { FeatureError } from '@lekha/contracts';
import { EntitlementsReader } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { PLATFORM_TEMPLATE_PREFIX } from '../outbound/platform-messages.js';

const IST_MS = 330 * 60_000;

/** The calendar month (in IST) holding `at`: [start, end). */
export function istMonth(at: Date): { start: Date; end: Date } {
  const local = new Date(at.getTime() + IST_MS);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - IST_MS;
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - IST_MS;
  return { start: new Date(start), end: new Date(end) };
}

/**
 * The plan's messages a month: the tenant's own messages accepted this IST month (the platform's
 * messages to it — invitations, codes — are not counted) plus those being added, under a per-tenant
 * advisory lock held to the end of the accepting transaction, so parallel sends count exactly.
 */
@Injectable()
export class MessageQuota {
  constructor(
    private readonly entitlements: EntitlementsReader,
    private readonly clock: Clock,
  ) {}

  /** Null when `adding` more messages fit; otherwise the refusal (402 PLAN_LIMIT_REACHED). */
  async refusal(data: TenantScope, adding: number): Promise<FeatureError | null> {
    if (adding <= 0) return null;
    await data.tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`messages:month:${data.tenantId}`]);
    const { start, end } = istMonth(this.clock.now());
    const [row] = await data.tx.execute<{ n: string }[]>(
      `select count(*)::text as n from notifications.messages
       where tenant_id = ? and created_at >= ? and created_at < ? and template_key not like ?`,
      [data.tenantId, start, end, `${PLATFORM_TEMPLATE_PREFIX}%`],
    );
    return this.entitlements.assertWithin(data.tenantId, 'messagesPerMonth', Number(row?.n ?? 0), adding).then(
      () => null,
      (err: FeatureError) => err,
    );
  }
}
