import { Migration } from '@mikro-orm/migrations';

/** ab_tests.max_sample: requests per side after which a test without significance ends with no winner. */
export class Migration20261202104800AbTestMaxSample extends Migration {
  override up(): void {
    this.addSql(`alter table "ab_tests" add column if not exists "max_sample" integer null;`);
  }

  override down(): void {
    this.addSql(`alter table "ab_tests" drop column if exists "max_sample";`);
  }
}
