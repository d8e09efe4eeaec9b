import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  MessagingProviderNames,
  type MessageChannel,
  type MessagingProviderName,
  type NotificationSettingsRequest,
  type NotificationSettingsView,
  type QuietHours,
} from '@lekha/contracts';

export interface TenantSettings {
  peId: string | null;
  headers: string[];
  urlDomains: string[];
  quietHours: QuietHours | null;
  providers: Partial<Record<MessageChannel, MessagingProviderName[]>>;
  credentialsSet: MessagingProviderName[];
  updatedAt: string | null;
}

interface SettingsRow {
  pe_id: string | null;
  headers: string[] | string;
  url_domains: string[] | string;
  quiet_hours: QuietHours | string | null;
  providers: TenantSettings['providers'] | string;
  credentials_enc: Buffer | null;
  credentials_set: string[] | string;
  updated_at: Date | string;
}

type Credentials = Partial<Record<MessagingProviderName, Record<string, string>>>;

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export const NO_SETTINGS: TenantSettings = {
  peId: null,
  headers: [],
  urlDomains: [],
  quietHours: null,
  providers: {},
  credentialsSet: [],
  updatedAt: null,
};

export function settingsView(s: TenantSettings): NotificationSettingsView {
  return { ...s };
}

/**
 * A tenant's notification settings. Provider credentials are one JSON map encrypted under the
 * tenant's key (AAD `provider_credentials`); only the names of the providers that have them are
 * readable in the clear, and nothing here returns the credentials but `credentialsFor`.
 */
@Injectable()
export class SettingsRepository {
  private async row({ tx, tenantId }: TenantScope): Promise<SettingsRow | null> {
    const rows = await tx.execute<SettingsRow[]>(
      `select pe_id, headers, url_domains, quiet_hours, providers, credentials_enc, credentials_set, updated_at
         from notifications.settings where tenant_id = ?`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  async get(data: TenantScope): Promise<TenantSettings> {
    const r = await this.row(data);
    if (!r) return NO_SETTINGS;
    return {
      peId: r.pe_id,
      headers: json(r.headers),
      urlDomains: json(r.url_domains),
      quietHours: r.quiet_hours ? json(r.quiet_hours) : null,
      providers: json(r.providers) ?? {},
      credentialsSet: json(r.credentials_set).filter((p): p is MessagingProviderName =>
        (MessagingProviderNames as readonly string[]).includes(p),
      ),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }

  /** Replaces the settings; credentials change only for the providers the request names. */
  async put(data: TenantScope, s: NotificationSettingsRequest): Promise<TenantSettings> {
    const { tx, tenantId, cipher } = data;
    const existing = await this.row(data);
    const creds: Credentials = existing?.credentials_enc
      ? (JSON.parse(cipher.decrypt('provider_credentials', existing.credentials_enc)!) as Credentials)
      : {};
    for (const [provider, value] of Object.entries(s.credentials ?? {}) as [
      MessagingProviderName,
      Record<string, string> | null,
    ][]) {
      if (value === null) delete creds[provider];
      else creds[provider] = value;
    }
    const names = Object.keys(creds).sort();
    await tx.execute(
      `insert into notifications.settings (tenant_id, pe_id, headers, url_domains, quiet_hours, providers,
         credentials_enc, credentials_set, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (tenant_id) do update set pe_id = excluded.pe_id, headers = excluded.headers,
         url_domains = excluded.url_domains, quiet_hours = excluded.quiet_hours, providers = excluded.providers,
         credentials_enc = excluded.credentials_enc, credentials_set = excluded.credentials_set, updated_at = now()`,
      [
        tenantId,
        s.peId,
        JSON.stringify(s.headers),
        JSON.stringify([...new Set(s.urlDomains)]),
        s.quietHours ? JSON.stringify(s.quietHours) : null,
        JSON.stringify(s.providers),
        names.length ? cipher.encrypt('provider_credentials', JSON.stringify(creds)) : null,
        JSON.stringify(names),
      ],
    );
    return this.get(data);
  }

  /** The tenant's own credentials for a provider (in memory only, for building its adapter). */
  async credentialsFor(data: TenantScope, provider: MessagingProviderName): Promise<Record<string, string> | null> {
    const r = await this.row(data);
    if (!r?.credentials_enc) return null;
    const creds = JSON.parse(data.cipher.decrypt('provider_credentials', r.credentials_enc)!) as Credentials;
    return creds[provider] ?? null;
  }
}
