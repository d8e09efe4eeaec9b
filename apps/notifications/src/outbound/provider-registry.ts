import { Injectable } from '@nestjs/common';
import type { MessageChannel, MessagingProviderName } from '@lekha/contracts';
import type { MessagingProvider, ProviderName } from '@lekha/providers';

/**
 * The platform's providers by name, and the ordered fallback list per channel (a tenant's own
 * list, else the platform default from config). Adapters (`@lekha/providers`) are registered at
 * start from config; a name with no registered adapter, or one that does not serve the channel,
 * is skipped.
 */
@Injectable()
export class ProviderRegistry {
  private readonly providers = new Map<ProviderName, MessagingProvider>();

  constructor(private readonly defaults: Record<MessageChannel, readonly string[]>) {}

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
  listFor(channel: MessageChannel, tenantList?: readonly MessagingProviderName[]): MessagingProvider[] {
    const names = tenantList?.length ? tenantList : this.defaults[channel];
    return names
      .map((n) => this.providers.get(n as ProviderName))
      .filter((p): p is MessagingProvider => p !== undefined && p.channels.includes(channel));
  }
}
