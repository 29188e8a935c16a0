import { Migration } from '@mikro-orm/migrations';

/** ab_tests: A/B tests of routing strategies (owned by the optimizer). */
export class Migration20261129020000AbTests extends Migration {
  override up(): void {
    this.addSql(`create table "ab_tests" (
      "id" serial primary key,
      "name" varchar(100) not null,
      "strategy_a" varchar(20) not null,
      "strategy_b" varchar(20) not null,
      "split" double precision not null,
      "task_type" varchar(100) null,
      "status" varchar(10) not null default 'running',
      "winner" varchar(1) null,
      "result" jsonb null,
      "started_at" timestamptz not null,
      "finished_at" timestamptz null,
      constraint "ab_tests_name_unique" unique ("name"),
      constraint "ab_tests_status_check" check ("status" in ('running', 'finished', 'stopped'))
    );`);
    this.addSql(`create index "ab_tests_status_idx" on "ab_tests" ("status");`);
    this.addSql(`create index "ab_tests_started_at_idx" on "ab_tests" ("started_at");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "ab_tests" cascade;`);
  }
}
