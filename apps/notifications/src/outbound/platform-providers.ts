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
 * The platform's own provider accounts, from config (the contract's variable names): an adapter
 * exists only when its credentials are set, so an unconfigured provider is skipped by every
 * fallback list rather than failing each send. `lekha dev` points them all at the simulator.
 */
export function platformProviders(config: NotificationsConfig): MessagingProvider[] {
  const timeoutMs = config.NOTIFICATIONS_PROVIDER_TIMEOUT_MS;
  const providers: MessagingProvider[] = [];
  if (config.MSG91_AUTH_KEY)
    providers.push(new Msg91SmsProvider({ authKey: config.MSG91_AUTH_KEY, baseUrl: config.MSG91_BASE_URL, timeoutMs }));
  if (config.GUPSHUP_USER_ID && config.GUPSHUP_PASSWORD)
    providers.push(
      new GupshupSmsProvider({
        userId: config.GUPSHUP_USER_ID,
        password: config.GUPSHUP_PASSWORD,
        baseUrl: config.GUPSHUP_BASE_URL,
        timeoutMs,
      }),
    );
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN)
    providers.push(
      new TwilioProvider({
        accountSid: config.TWILIO_ACCOUNT_SID,
        authToken: config.TWILIO_AUTH_TOKEN,
        baseUrl: config.TWILIO_BASE_URL,
        timeoutMs,
        ...(config.TWILIO_SMS_FROM ? { smsFrom: config.TWILIO_SMS_FROM } : {}),
        ...(config.TWILIO_WHATSAPP_FROM ? { whatsappFrom: config.TWILIO_WHATSAPP_FROM } : {}),
        ...(config.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID } : {}),
      }),
    );
  if (config.WHATSAPP_ACCESS_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID)
    providers.push(
      new WhatsAppCloudProvider({
        accessToken: config.WHATSAPP_ACCESS_TOKEN,
        phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
        baseUrl: config.WHATSAPP_BASE_URL,
        apiVersion: config.WHATSAPP_API_VERSION,
        timeoutMs,
      }),
    );
  if (config.SMTP_URL && config.SMTP_FROM)
    providers.push(new SmtpEmailProvider({ url: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs }));
  return providers;
}
