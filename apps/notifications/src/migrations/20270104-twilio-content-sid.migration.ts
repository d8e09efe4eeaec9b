import { Migration } from '@lekha/persistence';

const S = 'notifications';

/** A WhatsApp template's Twilio Content SID (HX…), registered with the template. */
export class Migration20270104TwilioContentSid extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table ${S}.templates add column wa_content_sid text`);
  }
}
