import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const notificationsConfigSchema = baseConfigSchema.extend({
  NOTIFICATIONS_PORT: port(3104),
});
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
