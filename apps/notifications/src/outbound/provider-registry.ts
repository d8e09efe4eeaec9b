import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { MessageChannel, MessagingProviderName } from '@lekha/contracts';
import type { MessagingProvider, ProviderName } from '@lekha/providers';
import type { TenantSettings } from '../settings/settings.repository.js';
import type { TenantProviders } from './tenant-providers.js';

/**
 * The platform's providers by name, and the ordered fallback list per channel (a tenant's own
 * list, else the platform default from config). Adapters (`@lekha/providers`) are registered at
 * start from config; a name with no registered adapter, or one that does not serve the channel,
 * is skipped. A tenant's own credentials (its settings) give it its own adapters, which take
 * precedence over the platform's for that tenant.
 */
@Injectable()
export class ProviderRegistry {
  private readonly providers = new Map<ProviderName, MessagingProvider>();

  constructor(
    private readonly defaults: Record<MessageChannel, readonly string[]>,
    private readonly tenants?: TenantProviders,
  ) {}

  register(provider: MessagingProvider): void {
    this.providers.set(provider.name, provider);
  }

  unregister(name: ProviderName): void {
    this.providers.delete(name);
  }

  get(name: string): MessagingProvider | undefined {
    return this.providers.get(name as ProviderName);
  }

  /** The providers to try for a channel, in order. */
  listFor(
    channel: MessageChannel,
    tenantList?: readonly MessagingProviderName[],
    own: ReadonlyMap<string, MessagingProvider> = new Map(),
  ): MessagingProvider[] {
    const names = tenantList?.length ? tenantList : this.defaults[channel];
    return names
      .map((n) => own.get(n) ?? this.providers.get(n as ProviderName))
      .filter((p): p is MessagingProvider => p !== undefined && p.channels.includes(channel));
  }

  /** The tenant's list for a channel: its own adapters first where it set credentials, else the platform's. */
  async listForTenant(data: TenantScope, channel: MessageChannel, settings: TenantSettings) {
    const own = this.tenants ? await this.tenants.of(data, settings) : new Map<string, MessagingProvider>();
    return this.listFor(channel, settings.providers[channel], own);
  }
}
