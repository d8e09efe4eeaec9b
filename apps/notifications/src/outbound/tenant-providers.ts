import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { MessagingProviderName } from '@lekha/contracts';
import {
  GupshupSmsProvider,
  Msg91SmsProvider,
  SmtpEmailProvider,
  TwilioProvider,
  WhatsAppCloudProvider,
  type MessagingProvider,
  type OutboundMessage,
} from '@lekha/providers';
import { InjectConfig } from '@lekha/runtime';
import type { NotificationsConfig } from '../config/notifications.config.js';
import { SettingsRepository, type TenantSettings } from '../settings/settings.repository.js';

/**
 * The credential names a tenant sets per provider (`PUT /v1/notifications/settings`, `credentials`):
 * msg91 `authKey` (+ `webhookToken` for its delivery reports, optional `webhookSources`: the addresses they may
 * come from); gupshup `userId`, `password`
 * (+ `webhookToken`, `webhookSources`); twilio `accountSid`, `authToken`, optional `smsFrom`, `whatsappFrom`,
 * `messagingServiceSid`; whatsapp-cloud `accessToken`, `phoneNumberId` (+ `appSecret`, `verifyToken`
 * for its webhooks); smtp `url`, `from`.
 */
export type ProviderCredentials = Record<string, string>;

/** A tenant's own adapter for one provider, or null when its credentials are incomplete. */
export function tenantProvider(
  name: MessagingProviderName,
  c: ProviderCredentials,
  config: NotificationsConfig,
  tenantId: string,
): MessagingProvider | null {
  const timeoutMs = config.NOTIFICATIONS_PROVIDER_TIMEOUT_MS;
  switch (name) {
    case 'msg91':
      return c.authKey ? new Msg91SmsProvider({ authKey: c.authKey, baseUrl: config.MSG91_BASE_URL, timeoutMs }) : null;
    case 'gupshup':
      return c.userId && c.password
        ? new GupshupSmsProvider({
            userId: c.userId,
            password: c.password,
            baseUrl: config.GUPSHUP_BASE_URL,
            timeoutMs,
          })
        : null;
    case 'twilio': {
      if (!c.accountSid || !c.authToken) return null;
      const twilio = new TwilioProvider({
        accountSid: c.accountSid,
        authToken: c.authToken,
        baseUrl: config.TWILIO_BASE_URL,
        timeoutMs,
        ...(c.smsFrom ? { smsFrom: c.smsFrom } : {}),
        ...(c.whatsappFrom ? { whatsappFrom: c.whatsappFrom } : {}),
        ...(c.messagingServiceSid ? { messagingServiceSid: c.messagingServiceSid } : {}),
      });
      // The tenant's status callbacks are signed with its own auth token: they come back on its own path.
      const base = config.PUBLIC_WEBHOOK_BASE_URL?.replace(/\/+$/, '');
      return base ? withStatusCallback(twilio, `${base}/v1/webhooks/twilio/t/${tenantId}/status`) : twilio;
    }
    case 'whatsapp-cloud':
      return c.accessToken && c.phoneNumberId
        ? new WhatsAppCloudProvider({
            accessToken: c.accessToken,
            phoneNumberId: c.phoneNumberId,
            baseUrl: config.WHATSAPP_BASE_URL,
            apiVersion: config.WHATSAPP_API_VERSION,
            timeoutMs,
          })
        : null;
    case 'smtp':
      // No pool: a tenant's adapter may be dropped from the cache at any time.
      return c.url && c.from ? new SmtpEmailProvider({ url: c.url, from: c.from, timeoutMs, pool: false }) : null;
  }
}

function withStatusCallback(provider: MessagingProvider, url: string): MessagingProvider {
  return {
    name: provider.name,
    channels: provider.channels,
    send: (message: OutboundMessage, options) => provider.send({ ...message, statusCallbackUrl: url }, options),
  };
}

const CACHE_MAX = 1000;

/**
 * A tenant's own provider adapters, built on demand from its encrypted credentials and cached per
 * tenant and settings version (a change of settings builds them again). They take precedence over the
 * platform's accounts for that tenant only.
 */
@Injectable()
export class TenantProviders {
  private readonly cache = new Map<string, { version: string; providers: Map<string, MessagingProvider> }>();

  constructor(
    @InjectConfig() private readonly config: NotificationsConfig,
    private readonly settings: SettingsRepository,
  ) {}

  async of(data: TenantScope, settings: TenantSettings): Promise<ReadonlyMap<string, MessagingProvider>> {
    if (!settings.credentialsSet.length) return new Map();
    const version = settings.updatedAt ?? '';
    const cached = this.cache.get(data.tenantId);
    if (cached?.version === version) return cached.providers;
    const providers = new Map<string, MessagingProvider>();
    for (const name of settings.credentialsSet) {
      const credentials = await this.settings.credentialsFor(data, name);
      const provider = credentials ? tenantProvider(name, credentials, this.config, data.tenantId) : null;
      if (provider) providers.set(name, provider);
    }
    this.cache.delete(data.tenantId);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(data.tenantId, { version, providers });
    return providers;
  }
}
