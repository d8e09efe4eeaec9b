export * from './port.js';
export * from './signatures.js';
export * from './razorpay-signatures.js';
export { DEFAULT_TIMEOUT_MS, redact, type SendFailure } from './http.js';
export * from './msg91.js';
export * from './gupshup.js';
export * from './twilio.js';
export * from './whatsapp-cloud.js';
export * from './smtp.js';
export {
  WebhookError,
  WebhookErrorCodes,
  type WebhookErrorCode,
  isOptOutText,
  webhookPathTokenMatches,
  parseWebhookSources,
  webhookSourceAllowed,
} from './webhooks/common.js';
export * from './webhooks/twilio.js';
export * from './webhooks/meta.js';
export * from './webhooks/msg91.js';
export * from './webhooks/gupshup.js';
export * from './razorpay.js';
