import { Migration } from '@mikro-orm/migrations';

/** request_log.cached: answered by the response cache (cost 0, no model call), left out of every outcome aggregate. */
export class Migration20261202104500RequestLogCached extends Migration {
  override up(): void {
    this.addSql(`alter table "request_log" add column "cached" boolean not null default false;`);
  }

  override down(): void {
    this.addSql(`alter table "request_log" drop column if exists "cached";`);
  }
}
