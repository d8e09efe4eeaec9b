import type { TenantScope } from '@lekha/access';
import { NotificationError, type MessageChannel, type TemplateCategory } from '@lekha/contracts';
import { consentPurposeOf, type ConsentCheck } from '../consent/consent.port.js';
import type { RecipientFlags } from '../consent/recipient-preferences.repository.js';

/**
 * Who may be sent what, in one place: an opted-out recipient gets nothing, a DND number no
 * promotional SMS, promotional or service-explicit messages need consent for that purpose, and a
 * WhatsApp message the business starts (outside the 24-hour window) needs the principal's opt-in.
 * Checked when a send is accepted and again just before a provider is called.
 */
export async function lawfulRefusal(
  consent: ConsentCheck,
  data: TenantScope,
  m: { channel: MessageChannel; category: TemplateCategory; recipientIdx: string },
  flags: RecipientFlags,
  now: Date,
): Promise<{ reason: NotificationError; message: string } | null> {
  if (flags.optedOut) return { reason: NotificationError.OptedOut, message: 'the recipient has opted out' };
  if (
    m.channel === 'whatsapp' &&
    !whatsappWindowOpen(flags, now) &&
    !(await consent.hasConsent(data, m.recipientIdx, 'whatsapp', now))
  )
    return {
      reason: NotificationError.WhatsappOptInRequired,
      message: 'outside the 24-hour window a WhatsApp message needs the recipient’s recorded opt-in',
    };
  if (flags.dnd && m.category === 'promotional' && m.channel === 'sms')
    return { reason: NotificationError.Dnd, message: 'the number is on the DND register: no promotional SMS' };
  const purpose = consentPurposeOf(m.category);
  if (purpose && !(await consent.hasConsent(data, m.recipientIdx, purpose, now)))
    return {
      reason: NotificationError.ConsentRequired,
      message: `the recipient has not consented to ${purpose.replace('_', '-')} messages`,
    };
  return null;
}

/** WhatsApp free-form text only within 24 hours of the principal's last inbound message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export function whatsappWindowOpen(flags: RecipientFlags, now: Date): boolean {
  return flags.lastInboundAt !== null && now.getTime() - flags.lastInboundAt.getTime() < WHATSAPP_WINDOW_MS;
}
