import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';

export const NotificationPurposes = ['otp_login', 'password_reset', 'invitation', 'security_alert'] as const;
export type NotificationPurpose = (typeof NotificationPurposes)[number];

/**
 * A message another service asks notifications to deliver (topic `notifications.dispatch.v1`).
 * The recipient and text are personal data, so they travel only sealed (AES-256-GCM under a
 * transport key both services derive from the master key); the envelope carries IDs only.
 */
export const notificationDispatchSchema = z.strictObject({
  messageId: z.uuid(),
  tenantId: z.uuid().nullable(),
  channel: z.enum(['sms', 'email']),
  purpose: z.enum(NotificationPurposes),
  sealed: z.base64().max(20_000),
});
export type NotificationDispatch = z.infer<typeof notificationDispatchSchema>;

/** What the sealed part holds. */
export interface DispatchContent {
  to: string;
  body: string;
}

/** Development inbox lookup: one recipient, as typed (normalised like a login identifier). */
export const devInboxQuerySchema = z.strictObject({ to: z.union([emailSchema, phoneSchema]) });
export type DevInboxQuery = z.infer<typeof devInboxQuerySchema>;

export interface DevInboxMessage {
  id: string;
  channel: 'sms' | 'email' | 'whatsapp';
  purpose: string;
  body: string;
  createdAt: string;
}

/**
 * The key that seals dispatch payloads on the topic. Both ends derive it from the platform master
 * key, so it never travels; the topic keeps messages an hour.
 */
export function notificationTransportKey(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update('notifications/dispatch-transport/v1').digest();
}
