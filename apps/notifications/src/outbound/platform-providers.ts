import {
  GupshupSmsProvider,
  Msg91SmsProvider,
  SmtpEmailProvider,
  TwilioProvider,
  WhatsAppCloudProvider,
  type MessagingProvider,
} from '@lekha/providers';
import type { NotificationsConfig } from '../config/notifications.config.js';

/**
 * The platform's own account adapters, from config: an adapter only when its credentials are set
 * (contract names; `lekha dev` points them at the provider simulator). Calls time out with the
 * dispatcher's provider timeout.
 */
export function platformProviders(config: NotificationsConfig): MessagingProvider[] {
  const timeoutMs = config.NOTIFICATIONS_PROVIDER_TIMEOUT_MS;
  const out: MessagingProvider[] = [];
  if (config.MSG91_AUTH_KEY)
    out.push(new Msg91SmsProvider({ authKey: config.MSG91_AUTH_KEY, baseUrl: config.MSG91_BASE_URL, timeoutMs }));
  if (config.GUPSHUP_USER_ID && config.GUPSHUP_PASSWORD)
    out.push(
      new GupshupSmsProvider({
        userId: config.GUPSHUP_USER_ID,
        password: config.GUPSHUP_PASSWORD,
        baseUrl: config.GUPSHUP_BASE_URL,
        timeoutMs,
      }),
    );
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN)
    out.push(
      new TwilioProvider({
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        baseUrl: config.TWILIO_BASE_URL,
        timeoutMs,
      }),
    );
  if (config.WHATSAPP_ACCESS_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID)
    out.push(
      new WhatsAppCloudProvider({
        accessToken: config.WHATSAPP_ACCESS_TOKEN,
        phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
        baseUrl: config.WHATSAPP_BASE_URL,
        apiVersion: config.WHATSAPP_API_VERSION,
        timeoutMs,
      }),
    );
  if (config.SMTP_URL && config.SMTP_FROM)
    out.push(new SmtpEmailProvider({ url: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs }));
  return out;
}
