import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { SUPPORT_REQUEST_PENDING_DAYS } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, type TenantKeys } from '@lekha/crypto';
import { Database, type Em } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { NoticeMessenger, type OutgoingNotice } from '../notices/notice-messenger.js';
import { RegistersClock } from './registers-clock.js';
import { RegistersOptions } from './registers-options.js';
import { RegistersRepository, iso, type NoticeRow } from './registers.repository.js';

const istDate = (v: Date | string) =>
  new Date(new Date(v).getTime() + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ') + ' IST';

/**
 * Hands due register notices to notifications, each exactly once: a round locks the due rows it
 * takes (`for update skip locked`, so several instances never share one), hands each over with the
 * notice's ID as the message's ID (notifications queues one message per ID, so a hand-over repeated
 * after a crash sends nothing twice) and marks it sent in the same transaction. "Due" needs no job:
 * a legal bar's notice is a row due when the bar ends; whichever round first runs after that sends it.
 */
@Injectable()
export class RegisterNotices implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastRound: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly repo: RegistersRepository,
    private readonly messenger: NoticeMessenger,
    private readonly audit: AuditOutbox,
    private readonly clock: RegistersClock,
    private readonly options: RegistersOptions,
    private readonly logger: AppLogger,
    private readonly keyring: TenantKeyring,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.noticesEnabled) this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.runOnce();
      } catch (err) {
        this.logger.pino.warn({ error: (err as Error).message }, 'register notices round failed; will retry');
      }
      if (!this.stopped)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.tickMs);
          this.wake = () => (clearTimeout(timer), resolve());
        });
    }
  }

  /**
   * One round (of one source's notices when given): hands over every due notice; answers how many went.
   * Rounds of this process never overlap: one asked for while another runs waits for it, so a caller's
   * round sees what the other handed over as sent rather than skipping rows still locked by it.
   */
  runOnce(sourceId?: string): Promise<number> {
    const round = this.lastRound.then(() => this.round(sourceId));
    this.lastRound = round.catch(() => undefined);
    return round;
  }

  private async round(sourceId?: string): Promise<number> {
    let sent = 0;
    for (;;) {
      // Keys before the transaction (the embedded database has a single connection): the tenants of the due
      // notices to principals known only by an address, whose address is opened under the tenant's key.
      const keys = await this.principalKeys(sourceId);
      const { taken, handed } = await this.db.em().transactional(async (tx) => {
        const now = this.clock.now();
        const due = await this.repo.claimDue(tx, now, 50, sourceId);
        let handed = 0;
        for (const row of due) {
          // Became due after the keys were read: the next round takes it.
          if (row.consent_id && !keys.has(row.tenant_id)) continue;
          const notice = await this.compose(tx, row, keys);
          if (!notice) {
            await this.repo.markFailed(tx, row.id, 'its source is gone');
            continue;
          }
          try {
            await this.messenger.send(notice);
          } catch (err) {
            // Left due: the next round hands it over again (notifications keeps one message per ID).
            this.logger.pino.warn(
              { noticeId: row.id, error: (err as Error).message },
              'register notice not handed over',
            );
            return { taken: 0, handed };
          }
          await this.repo.markSent(tx, row.id, now);
          await this.audit.record(tx, {
            action: 'create',
            resource: { type: 'register_notice', id: row.id },
            tenantId: row.tenant_id,
            actorType: 'service',
            actorId: 'compliance',
            subjectIds: row.customer_id ? [row.customer_id] : [],
            reason: notice.purpose,
          });
          handed++;
        }
        return { taken: due.length, handed };
      });
      sent += handed;
      if (taken < 50) return sent;
    }
  }

  /** The tenants' keys for the due notices to principals known by an address (null: the tenant has none). */
  private async principalKeys(sourceId?: string): Promise<Map<string, TenantKeys | null>> {
    const rows = await this.db.em().execute<{ tenant_id: string }[]>(
      `select distinct tenant_id from compliance.register_notices
        where consent_id is not null and sent_at is null and error is null and due_at <= ?
        ${sourceId ? 'and source_id = ?' : ''} limit 50`,
      sourceId ? [this.clock.now(), sourceId] : [this.clock.now()],
    );
    const keys = new Map<string, TenantKeys | null>();
    for (const r of rows) keys.set(r.tenant_id, await this.keyring.keysFor(r.tenant_id, { create: false }));
    return keys;
  }

  /** The address on a consent, opened under the tenant's key (null when it was erased). */
  private async consentAddress(
    tx: Em,
    tenantId: string,
    consentId: string,
    keys: TenantKeys | null,
  ): Promise<{ address: string } | null> {
    const [row] = await tx.execute<{ address_enc: Buffer | null }[]>(
      `select address_enc from compliance.consent_records where tenant_id = ? and id = ?`,
      [tenantId, consentId],
    );
    if (!row?.address_enc || !keys) return null;
    const address = new FieldCipher(keys).decrypt('consent.address', row.address_enc);
    return address ? { address } : null;
  }

  /** Reads the delivery status notifications keeps for the sent notices and records it on each. */
  async refreshDelivery(notices: NoticeRow[]): Promise<void> {
    const sent = notices.filter((n) => n.sent_at !== null);
    const byTenant = new Map<string, string[]>();
    for (const n of sent) byTenant.set(n.tenant_id, [...(byTenant.get(n.tenant_id) ?? []), n.id]);
    const found: [string, string, Date][] = [];
    for (const [tenantId, ids] of byTenant) {
      try {
        const statuses = await this.messenger.statuses(tenantId, ids);
        for (const [id, s] of statuses) found.push([id, s.status, new Date(s.at)]);
      } catch (err) {
        this.logger.pino.warn({ tenantId, error: (err as Error).message }, 'delivery statuses not read');
      }
    }
    if (!found.length) return;
    await this.db.em().transactional(async (tx) => {
      for (const [id, status, at] of found) await this.repo.recordDelivery(tx, id, status, at);
    });
    for (const n of notices) {
      const f = found.find(([id]) => id === n.id);
      if (f) {
        n.delivery_status = f[1];
        n.delivery_at = f[2];
      }
    }
  }

  /** The notice's text, from its source as it stands now (platform text and IDs only). */
  private async compose(tx: Em, row: NoticeRow, keys: Map<string, TenantKeys | null>): Promise<OutgoingNotice | null> {
    const to = row.consent_id
      ? await this.consentAddress(tx, row.tenant_id, row.consent_id, keys.get(row.tenant_id) ?? null)
      : row.customer_id
        ? { customerId: row.customer_id }
        : ({ tenantOwner: true } as const);
    // A principal whose address is gone (erased, or the tenant's keys destroyed) is no longer reachable.
    if (!to) return null;
    if (row.source_type === 'legal_request') {
      const r = await this.repo.findLegalRequest(tx, row.source_id);
      if (!r) return null;
      const decision = r.decision ?? 'pending';
      const body =
        `Lekha received a legal request about your account on ${istDate(r.received_at)}: ` +
        `${r.authority_type} authority "${r.authority_name}", ${r.instrument_type.replace('_', ' ')} ` +
        `${r.instrument_reference}. Scope: ${r.customer_ids.length} customer record(s)` +
        `${r.categories.length ? `, ${r.categories.join(', ')}` : ''}. Decision: ${decision}` +
        `${r.decided_at ? ` on ${istDate(r.decided_at)}` : ''}. Register ID ${r.id}.`;
      return { id: row.id, tenantId: row.tenant_id, to, purpose: 'legal_request_notice', body };
    }
    if (row.source_type === 'support_request') {
      // Scope and times only: the reason is sealed under the tenant's key and may name a person.
      const [r] = await tx.execute<
        {
          access: string;
          features: string[] | string;
          hours: number;
          requested_at: Date;
          kind: string;
          basis: string | null;
          reference: string | null;
          expires_at: Date | null;
        }[]
      >(
        `select access, features, hours, requested_at, kind, basis, reference, expires_at ` +
          `from compliance.support_requests where id = ?`,
        [row.source_id],
      );
      if (!r) return null;
      const features = Array.isArray(r.features) ? r.features : r.features.replace(/^\{|\}$/g, '').split(',');
      if (r.kind === 'break_glass') {
        // Break-glass (P42): opened without asking, so the owner is told at once, with the basis and reference.
        const body =
          `Lekha opened emergency (break-glass) ${r.access === 'read' ? 'read-only' : 'read and write'} access ` +
          `to your account (${features.join(', ')}) on ${istDate(r.requested_at)} for ${r.hours} hour(s), ` +
          `basis: ${r.basis!.replaceAll('_', ' ')}, reference ${r.reference}. Everything done under it is ` +
          `listed under Support access, where you or an admin can end it at once. Grant ID ${row.source_id}.`;
        return { id: row.id, tenantId: row.tenant_id, to, purpose: 'break_glass_access', body };
      }
      const lapses = new Date(new Date(r.requested_at).getTime() + SUPPORT_REQUEST_PENDING_DAYS * 86_400_000);
      const body =
        `Lekha support asks for ${r.access === 'read' ? 'read-only' : 'read and write'} access to your ` +
        `account (${features.join(', ')}) for ${r.hours} hour(s), requested on ${istDate(r.requested_at)}. ` +
        `Nothing is opened until you or an admin approve it under Support access; it lapses unanswered on ` +
        `${istDate(lapses)}. Request ID ${row.source_id}.`;
      return { id: row.id, tenantId: row.tenant_id, to, purpose: 'support_access_request', body };
    }
    if (row.source_type === 'privacy_notice') {
      // The tenant's public notice: its title, version and what changed (no personal data).
      const [n] = await tx.execute<
        { language: string; version: number; title: string; summary_of_changes: string | null }[]
      >(`select language, version, title, summary_of_changes from compliance.privacy_notices where id = ?`, [
        row.source_id,
      ]);
      if (!n) return null;
      const body =
        `The privacy notice "${n.title}" (${n.language}) changed: version ${n.version}. ` +
        `What changed: ${n.summary_of_changes ?? 'see the notice'}. ` +
        `Consents given under an earlier version are asked for again. ` +
        `Read it: /v1/public/tenants/${row.tenant_id}/privacy/notices?language=${n.language}`;
      return { id: row.id, tenantId: row.tenant_id, to, purpose: 'privacy_notice_change', body };
    }
    const incident = await this.repo.findIncident(tx, row.source_id);
    const texts = await tx.execute<{ content: Record<string, string> | string }[]>(
      `select content from compliance.incident_notice_texts where incident_id = ?`,
      [row.source_id],
    );
    if (!incident || !texts[0]) return null;
    const c = typeof texts[0].content === 'string' ? JSON.parse(texts[0].content) : texts[0].content;
    const lines = [
      `Personal data breach notice (ref ${incident.id.slice(0, 8)}).`,
      `What happened: ${c.what}`,
      `When: ${c.when}`,
      `Likely impact: ${c.impact}`,
      `What has been done: ${c.mitigation}`,
      `What you can do: ${c.actions}`,
      `Contact: ${c.contact}`,
    ];
    if (!row.customer_id)
      lines.splice(1, 0, `Your business's data is affected; detected ${istDate(iso(incident.detected_at))}.`);
    return { id: row.id, tenantId: row.tenant_id, to, purpose: 'breach_notice', body: lines.join('\n') };
  }
}
