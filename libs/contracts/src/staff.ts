import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';
import { passwordSchema } from './auth-flows.js';

/** Roles an owner or admin can hand out; `owner` is never assigned by invitation or role change. */
export const AssignableRoles = ['admin', 'staff', 'caretaker', 'accountant', 'viewer'] as const;
export type AssignableRole = (typeof AssignableRoles)[number];

export const inviteUserSchema = z
  .strictObject({
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    role: z.enum(AssignableRoles),
  })
  .refine((v) => (v.email === undefined) !== (v.phone === undefined), {
    message: 'give exactly one of email or phone',
  });
export type InviteUserRequest = z.infer<typeof inviteUserSchema>;

export interface InvitationView {
  id: string;
  role: AssignableRole;
  channel: 'email' | 'sms';
  expiresAt: string;
}

export const acceptInvitationSchema = z.strictObject({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(200),
  password: passwordSchema,
  ageConfirmed: z.boolean(),
});
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationSchema>;

export const userIdParamSchema = z.strictObject({ id: z.uuid() });
export const changeRoleSchema = z.strictObject({ role: z.enum(AssignableRoles) });
export type ChangeRoleRequest = z.infer<typeof changeRoleSchema>;

export interface StaffUserView {
  id: string;
  name: string;
  roles: string[];
  status: 'active' | 'deactivated';
  createdAt: string;
}

export const invitationIdParamSchema = z.strictObject({ id: z.uuid() });

/** A pending invitation as the tenant's managers see it: never its token, the recipient masked. */
export interface PendingInvitationView {
  id: string;
  role: AssignableRole;
  channel: 'email' | 'sms';
  /** `r***@example.in` or `+91******3210`: enough to recognise, not to contact. */
  recipient: string;
  /** The person (or API key) who sent it. */
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}
