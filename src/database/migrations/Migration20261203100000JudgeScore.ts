import { Migration } from '@mikro-orm/migrations';

/** request_log.judge_score: the judge's grade (0-1) of a sampled answer, on the graded request's row. */
export class Migration20261203100000JudgeScore extends Migration {
  override up(): void {
    this.addSql(`alter table "request_log" add column "judge_score" double precision null;`);
  }

  override down(): void {
    this.addSql(`alter table "request_log" drop column if exists "judge_score";`);
  }
}
