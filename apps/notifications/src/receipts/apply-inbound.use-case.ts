import { Injectable } from '@nestjs/common';
import { normalizePhone } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import type { InboundMessage } from '@lekha/providers';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { recipientCategory, recipientIndex } from '../common/recipient.js';
import { RecipientPreferencesRepository } from '../consent/recipient-preferences.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';

/**
 * Applies an inbound message (the webhook piece calls this): for each tenant that messaged the
 * sender (or the one tenant named), the WhatsApp 24-hour window opens from its time, and an
 * opt-out ("STOP", the provider's opt-out flag) refuses every later send to that number at once.
 * The text itself is not kept.
 */
@Injectable()
export class ApplyInboundUseCase {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly refs: ProviderRefsRepository,
    private readonly prefs: RecipientPreferencesRepository,
    private readonly routes: RecipientRouteIndex,
  ) {}

  /** Answers the tenants it was applied to. */
  async execute(inbound: InboundMessage, tenantId?: string): Promise<string[]> {
    const from = normalizePhone(inbound.from) ?? inbound.from;
    const tenants = tenantId ? [tenantId] : await this.refs.tenantsOf(this.routes.of(from));
    const at = inbound.receivedAt ? new Date(inbound.receivedAt) : new Date();
    const applied: string[] = [];
    for (const t of tenants) {
      try {
        await this.access.run(t, async (data) => {
          const idx = recipientIndex(data.cipher, from);
          if (inbound.channel === 'whatsapp') await this.prefs.touchInbound(data, idx, at);
          if (inbound.optOut) await this.prefs.mark(data, idx, 'opted_out');
          await data.record({
            resource: { type: 'notification_inbound', id: null },
            reason: inbound.optOut ? `inbound_opt_out_${inbound.provider}` : `inbound_${inbound.provider}`,
            fields: [{ name: 'from', category: recipientCategory(from) }],
          });
        });
        applied.push(t);
      } catch (err) {
        if (!(err instanceof TenantKeysetDestroyedError)) throw err;
      }
    }
    return applied;
  }
}
