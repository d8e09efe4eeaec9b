import { z } from 'zod';
import { operation } from '../operation.js';
import { devInboxQuerySchema } from '../notifications.js';

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
} as const;
