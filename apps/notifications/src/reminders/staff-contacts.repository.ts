import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';

/** A staff user as reminders may address them; phone and email decrypted (in memory only). */
export interface StaffContact {
  active: boolean;
  phone: string | null;
  email: string | null;
}

interface StaffContactRow {
  active: boolean;
  phone_enc: Buffer | null;
  email_enc: Buffer | null;
  last_event_id: string;
}

/**
 * The tenant's staff contacts as identity published them (`identity.events.v1`): phone and email encrypted
 * under the tenant's key, the last event applied per user (a redelivered or older event changes nothing).
 */
@Injectable()
export class StaffContactsRepository {
  async find({ tx, tenantId, cipher }: TenantScope, userId: string): Promise<StaffContact | null> {
    const [row] = await tx.execute<StaffContactRow[]>(
      `select active, phone_enc, email_enc, last_event_id from notifications.staff_contacts
         where tenant_id = ? and user_id = ?`,
      [tenantId, userId],
    );
    if (!row) return null;
    return {
      active: row.active,
      phone: cipher.decrypt('phone', row.phone_enc),
      email: cipher.decrypt('email', row.email_enc),
    };
  }

  /** Keeps the user's contact from this event; false when it (or a newer one) was applied before. */
  async apply(
    { tx, tenantId, cipher }: TenantScope,
    userId: string,
    eventId: string,
    contact: StaffContact,
  ): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `insert into notifications.staff_contacts (tenant_id, user_id, active, phone_enc, email_enc, last_event_id)
         values (?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, user_id) do update set active = excluded.active, phone_enc = excluded.phone_enc,
         email_enc = excluded.email_enc, last_event_id = excluded.last_event_id, updated_at = now()
         where notifications.staff_contacts.last_event_id < excluded.last_event_id
       returning user_id`,
      [
        tenantId,
        userId,
        contact.active,
        cipher.encrypt('phone', contact.phone),
        cipher.encrypt('email', contact.email),
        eventId,
      ],
    );
    return rows.length > 0;
  }
}
