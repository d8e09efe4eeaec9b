import { z } from 'zod';
import { emptyRequestSchema, operation, pageSchema } from '../operation.js';
import {
  ConsentPurposes,
  devInboxQuerySchema,
  listMessagesSchema,
  MessageStatuses,
  messageViewSchema,
  notificationSettingsSchema,
  notificationSettingsViewSchema,
  recordConsentSchema,
  receiveWebhookResultSchema,
  receiveWebhookSchema,
  recordOptOutSchema,
  registerTemplateSchema,
  putReminderRulesSchema,
  reminderRulesViewSchema,
  sendBatchItemResultSchema,
  sendMessageBatchSchema,
  sendMessageSchema,
  templateViewSchema,
} from '../notifications.js';

export const devInboxMessageSchema = z.object({
  id: z.uuid(),
  channel: z.enum(['sms', 'email', 'whatsapp']),
  purpose: z.string(),
  body: z.string(),
  createdAt: z.iso.datetime(),
});

export const NotificationOps = {
  devInbox: operation({
    name: 'notifications.dev-inbox.list',
    request: devInboxQuerySchema,
    response: z.object({ items: z.array(devInboxMessageSchema) }),
    // The gateway's own guard decides (a platform admin, or the holder of DEV_INBOX_SECRET on this machine).
    access: 'public',
    audit: { action: 'read', resourceType: 'notification' },
    summary: 'One recipient’s messages, newest first (development and test only)',
    internal: 'GET v1/dev/inbox is hand-written: its guard also admits the holder of DEV_INBOX_SECRET',
    developmentOnly: true,
  }),
  registerTemplate: operation({
    name: 'notifications.templates.register',
    request: registerTemplateSchema,
    response: templateViewSchema,
    access: 'notifications:manage',
    audit: { action: 'create', resourceType: 'notification_template' },
    summary: 'Register a DLT / WhatsApp / email template: key, channel, category, DLT IDs, header, `{#var#}` text',
    http: { method: 'POST', path: 'v1/notifications/templates', tag: 'notifications' },
  }),
  listTemplates: operation({
    name: 'notifications.templates.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(templateViewSchema) }),
    access: ['notifications:manage', 'notifications:send'],
    audit: { action: 'list', resourceType: 'notification_template' },
    summary: 'The tenant’s registered templates',
    http: { method: 'GET', path: 'v1/notifications/templates', tag: 'notifications' },
  }),
  putSettings: operation({
    name: 'notifications.settings.put',
    request: notificationSettingsSchema,
    response: notificationSettingsViewSchema,
    access: 'notifications:manage',
    audit: { action: 'update', resourceType: 'notification_settings' },
    summary:
      'Set the tenant’s PE ID, headers, whitelisted URL domains, quiet hours, providers per channel and (write-only) ' +
      'provider credentials',
    http: { method: 'PUT', path: 'v1/notifications/settings', tag: 'notifications' },
  }),
  getSettings: operation({
    name: 'notifications.settings.get',
    request: emptyRequestSchema,
    response: notificationSettingsViewSchema,
    access: 'notifications:manage',
    audit: { action: 'read', resourceType: 'notification_settings' },
    summary: 'The tenant’s notification settings; credentials show only which providers have them',
    http: { method: 'GET', path: 'v1/notifications/settings', tag: 'notifications' },
  }),
  send: operation({
    name: 'notifications.messages.send',
    request: sendMessageSchema,
    response: z.object({ id: z.uuid(), status: messageViewSchema.shape.status }),
    access: 'notifications:send',
    audit: { action: 'create', resourceType: 'notification', resourceIdField: null },
    summary:
      'Queue a message from a template (Idempotency-Key header required); DLT, consent, opt-out and quiet-hour ' +
      'rules are applied before anything is stored',
    http: {
      method: 'POST',
      path: 'v1/notifications/messages',
      tag: 'notifications',
      status: 202,
      headers: { idempotencyKey: 'idempotency-key' },
    },
  }),
  sendBatch: operation({
    name: 'notifications.messages.send-batch',
    request: sendMessageBatchSchema,
    response: z.object({ items: z.array(sendBatchItemResultSchema) }),
    access: 'notifications:send',
    audit: { action: 'create', resourceType: 'notification', resourceIdField: null },
    summary:
      'Queue up to 100 messages in one request, each item with its own idempotencyKey and its own result (accepted, ' +
      'or refused with the reason a single send would give); the same rules as a single send',
    http: { method: 'POST', path: 'v1/notifications/messages/batch', tag: 'notifications', status: 200 },
  }),
  getMessage: operation({
    name: 'notifications.messages.get',
    request: z.strictObject({ id: z.uuid() }),
    response: messageViewSchema,
    access: 'notifications:send',
    audit: { action: 'read', resourceType: 'notification' },
    summary: 'One message: status, provider, provider error, masked recipient',
    http: { method: 'GET', path: 'v1/notifications/messages/:id', tag: 'notifications' },
  }),
  listMessages: operation({
    name: 'notifications.messages.list',
    request: listMessagesSchema,
    response: pageSchema(messageViewSchema),
    access: 'notifications:send',
    audit: { action: 'list', resourceType: 'notification' },
    summary: 'Messages, newest first; ?status= and ?customerId= filter',
    http: { method: 'GET', path: 'v1/notifications/messages', tag: 'notifications' },
  }),
  statuses: operation({
    name: 'notifications.messages.statuses',
    request: z.strictObject({ tenantId: z.uuid(), ids: z.array(z.uuid()).min(1).max(500) }),
    response: z.object({
      items: z.array(z.object({ id: z.uuid(), status: z.enum(MessageStatuses), at: z.iso.datetime() })),
    }),
    // Services only (the bus key): compliance reads the delivery of the register notices it handed over.
    access: 'public',
    audit: { action: 'list', resourceType: 'notification', resourceIdField: null },
    summary: 'The status of a tenant’s messages, by ID (IDs and statuses only)',
    internal: 'only services call it: compliance shows each register notice’s delivery',
  }),
  recordConsent: operation({
    name: 'notifications.consents.record',
    whileReadOnly: "a person's consent or its withdrawal is recorded whatever the tenant's standing",
    request: recordConsentSchema,
    response: z.object({
      recipient: z.string(),
      purpose: z.enum(ConsentPurposes),
      granted: z.boolean(),
      updatedAt: z.iso.datetime(),
    }),
    access: 'notifications:manage',
    audit: { action: 'update', resourceType: 'notification_consent', resourceIdField: null },
    summary: 'Record (or withdraw) a principal’s consent: promotional, service-explicit, or WhatsApp opt-in',
    http: { method: 'POST', path: 'v1/notifications/consents', tag: 'notifications', status: 200 },
  }),
  recordOptOut: operation({
    name: 'notifications.opt-outs.record',
    whileReadOnly: "an opt-out is honoured whatever the tenant's standing",
    request: recordOptOutSchema,
    response: z.object({ recipient: z.string(), optedOut: z.boolean(), dnd: z.boolean() }),
    access: ['notifications:manage', 'notifications:send'],
    audit: { action: 'update', resourceType: 'notification_opt_out', resourceIdField: null },
    summary: 'Opt a number or address out of every later message (or mark a number DND: no promotional SMS)',
    http: { method: 'POST', path: 'v1/notifications/opt-outs', tag: 'notifications', status: 200 },
  }),
  putReminders: operation({
    name: 'notifications.reminders.put',
    request: putReminderRulesSchema,
    response: reminderRulesViewSchema,
    access: 'notifications:manage',
    audit: { action: 'update', resourceType: 'notification_reminder_rules', resourceIdField: null },
    summary:
      'Replace the tenant’s reminder rules: per record type, a time field with offsets (e.g. startsAt -24h, -2h) ' +
      'or `on: assigned`, a template, the recipient (the record’s customer) and what fills the variables',
    http: { method: 'PUT', path: 'v1/notifications/reminders', tag: 'notifications' },
  }),
  getReminders: operation({
    name: 'notifications.reminders.get',
    request: emptyRequestSchema,
    response: reminderRulesViewSchema,
    access: ['notifications:manage', 'notifications:send'],
    audit: { action: 'read', resourceType: 'notification_reminder_rules', resourceIdField: null },
    summary: 'The tenant’s reminder rules',
    http: { method: 'GET', path: 'v1/notifications/reminders', tag: 'notifications' },
  }),
  receiveWebhook: operation({
    name: 'notifications.webhooks.receive',
    request: receiveWebhookSchema,
    response: receiveWebhookResultSchema,
    // Providers carry no token: the webhook is verified by its signature (or secret path token) in notifications.
    access: 'public',
    audit: { action: 'update', resourceType: 'notification_webhook', resourceIdField: null },
    summary: 'A provider webhook (delivery receipts, inbound messages), verified and applied',
    internal:
      'the /v1/webhooks/* routes are hand-written: they keep the raw body and the full URL the signature covers',
  }),
} as const;
