import { Migration } from '@mikro-orm/migrations';

/** api_keys.last_used_at: when a key last authenticated a request (written in batches, not per request). */
export class Migration20261130100000ApiKeysLastUsed extends Migration {
  override up(): void {
    this.addSql(`alter table "api_keys" add column "last_used_at" timestamptz null;`);
  }

  override down(): void {
    this.addSql(`alter table "api_keys" drop column if exists "last_used_at";`);
  }
}
