import { Migration } from '@mikro-orm/migrations';

/** learner_state: the per-prompt learner's snapshot (one row per learner), so a restart keeps what was learned. */
export class Migration20261202104700LearnerState extends Migration {
  override up(): void {
    this.addSql(
      `create table if not exists "learner_state" ("id" varchar(64) not null, "version" integer not null default 0, "snapshot" jsonb not null, "updated_at" timestamptz not null, constraint "learner_state_pkey" primary key ("id"));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "learner_state";`);
  }
}
