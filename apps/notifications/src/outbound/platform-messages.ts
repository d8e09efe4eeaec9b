import type { NotificationPurpose } from '@lekha/contracts';

/**
 * The platform's own messages (identity's codes, password resets, invitations, new-device alerts):
 * stored and queued like a tenant's, under the tenant's key, with the template key
 * `platform:<purpose>`, and sent through the platform's account — its DLT registration, its
 * provider lists — never the tenant's. Transactional: the tenant's consent, opt-out and quiet-hour
 * rules do not hold them back (a sign-in code must arrive).
 */
export const PLATFORM_TEMPLATE_PREFIX = 'platform:';

export const platformTemplateKey = (purpose: NotificationPurpose): string => `${PLATFORM_TEMPLATE_PREFIX}${purpose}`;

export const isPlatformMessage = (row: { template_key: string }): boolean =>
  row.template_key.startsWith(PLATFORM_TEMPLATE_PREFIX);

/** The platform account's DLT registration for its SMS (one content template, the whole text as its variable). */
export class PlatformSmsSettings {
  constructor(
    readonly peId: string | undefined,
    readonly header: string | undefined,
    readonly dltTemplateId: string | undefined,
    readonly providerTemplateId: string | undefined,
  ) {}
}

const SUBJECTS: Record<NotificationPurpose, string> = {
  otp_login: 'Your Lekha sign-in code',
  password_reset: 'Reset your Lekha password',
  invitation: 'You are invited to Lekha',
  security_alert: 'New sign-in to your Lekha account',
  legal_request_notice: 'A legal request about your account',
  breach_notice: 'Notice of a personal data breach',
  support_access_request: 'Lekha support asks for access to your account',
  break_glass_access: 'Lekha opened emergency access to your account',
  retention_notice: 'Your Lekha account’s data will be deleted in 48 hours',
  privacy_verification: 'Your verification code for a privacy request',
  privacy_notice_change: 'A privacy notice you agreed to has changed',
};

export const platformSubject = (templateKey: string): string =>
  SUBJECTS[templateKey.slice(PLATFORM_TEMPLATE_PREFIX.length) as NotificationPurpose] ?? 'Lekha';
