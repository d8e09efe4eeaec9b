import { Migration } from '@lekha/persistence';

const S = 'notifications';

/**
 * Receipts' deduplication keys are stored under a platform-keyed hash (`ReceiptDedupKeys`) from now on.
 * Keys stored before were the providers' own (`<provider>:…`), and an MSG91 key carried an unkeyed
 * digest of the recipient's number. A keyed key (base64url) never contains ':', so no old key can
 * match a receipt any more: the applied ones go, and the parked ones (still to be applied) keep their
 * row under a random key — a provider posting one of them again is parked once more and applied
 * forward only, so at worst it is recorded as stale.
 */
export class Migration20280201KeyedReceiptDedup extends Migration {
  override async up(): Promise<void> {
    [
      `delete from ${S}.receipts_seen where dedup_key like '%:%'`,
      `update ${S}.parked_receipts set dedup_key = 'legacy-' || gen_random_uuid()::text where dedup_key like '%:%'`,
    ].forEach((sql) => this.addSql(sql));
  }
}
