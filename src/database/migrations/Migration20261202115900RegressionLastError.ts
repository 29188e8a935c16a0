import { Migration } from '@mikro-orm/migrations';

/** regression_tests.last_error: why the last replay (run_regression_tests) failed or was skipped. */
export class Migration20261202115900RegressionLastError extends Migration {
  override up(): void {
    this.addSql(`alter table "regression_tests" add column "last_error" text null;`);
  }

  override down(): void {
    this.addSql(`alter table "regression_tests" drop column if exists "last_error";`);
  }
}
