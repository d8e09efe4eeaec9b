import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  uuidv7,
  type MessageChannel,
  type RegisterTemplateRequest,
  type TemplateCategory,
  type TemplateView,
} from '@lekha/contracts';
import { placeholderCount } from '../rules/dlt.js';

export interface TemplateRow {
  id: string;
  key: string;
  channel: MessageChannel;
  category: TemplateCategory;
  dlt_template_id: string | null;
  header: string | null;
  body: string;
  subject: string | null;
  wa_template_name: string | null;
  wa_template_language: string | null;
  wa_content_sid: string | null;
  provider_template_id: string | null;
  created_at: Date | string;
}

const COLUMNS =
  'id, key, channel, category, dlt_template_id, header, body, subject, wa_template_name, wa_template_language, ' +
  'wa_content_sid, provider_template_id, created_at';

export function templateView(r: TemplateRow): TemplateView {
  return {
    id: r.id,
    key: r.key,
    channel: r.channel,
    category: r.category,
    dltTemplateId: r.dlt_template_id,
    header: r.header,
    text: r.body,
    subject: r.subject,
    variableCount: placeholderCount(r.body),
    whatsappTemplate: r.wa_template_name
      ? {
          name: r.wa_template_name,
          language: r.wa_template_language!,
          ...(r.wa_content_sid ? { twilioContentSid: r.wa_content_sid } : {}),
        }
      : null,
    providerTemplateId: r.provider_template_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** A tenant's registered templates (business text, not personal data: stored as it is). */
@Injectable()
export class TemplateRepository {
  /** Registers a template; null when the key is registered for the channel already. */
  async insert({ tx, tenantId }: TenantScope, t: RegisterTemplateRequest): Promise<TemplateRow | null> {
    const rows = await tx.execute<TemplateRow[]>(
      `insert into notifications.templates (id, tenant_id, key, channel, category, dlt_template_id, header, body,
         subject, wa_template_name, wa_template_language, wa_content_sid, provider_template_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, key, channel) do nothing returning ${COLUMNS}`,
      [
        uuidv7(),
        tenantId,
        t.key,
        t.channel,
        t.category,
        t.dltTemplateId ?? null,
        t.header ?? null,
        t.text,
        t.subject ?? null,
        t.whatsappTemplate?.name ?? null,
        t.whatsappTemplate?.language ?? null,
        t.whatsappTemplate?.twilioContentSid ?? null,
        t.providerTemplateId ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  list({ tx, tenantId }: TenantScope): Promise<TemplateRow[]> {
    return tx.execute<TemplateRow[]>(
      `select ${COLUMNS} from notifications.templates where tenant_id = ? order by key, channel`,
      [tenantId],
    );
  }

  /** Every channel's registration of one key. */
  byKey({ tx, tenantId }: TenantScope, key: string): Promise<TemplateRow[]> {
    return tx.execute<TemplateRow[]>(`select ${COLUMNS} from notifications.templates where tenant_id = ? and key = ?`, [
      tenantId,
      key,
    ]);
  }
}
