import { Migration } from '@mikro-orm/migrations';

/** Every table of SPEC section 3 with its unique constraints, checks and indexes. */
export class Migration20261129000000Initial extends Migration {
  override up(): void {
    this.addSql(`create table "regression_tests" (
      "id" serial primary key,
      "test_name" varchar(255) not null,
      "category" varchar(100) not null,
      "description" text not null,
      "test_code" text not null,
      "expected_behavior" text not null,
      "discovered_from" varchar(20) not null,
      "metadata" jsonb not null default '{}',
      "replay" jsonb null,
      "last_run_at" timestamptz null,
      "last_result" varchar(20) null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "regression_tests_test_name_unique" unique ("test_name"),
      constraint "regression_tests_discovered_from_check" check ("discovered_from" in ('bug', 'pattern', 'user-feedback'))
    );`);
    this.addSql(`create index "regression_tests_category_idx" on "regression_tests" ("category");`);
    this.addSql(`create index "regression_tests_discovered_from_idx" on "regression_tests" ("discovered_from");`);
    this.addSql(`create index "regression_tests_created_at_idx" on "regression_tests" ("created_at");`);

    this.addSql(`create table "routing_rules" (
      "id" serial primary key,
      "pattern" text not null,
      "preferred_layer" varchar(10) not null,
      "preferred_model" varchar(200) null,
      "priority" int not null default 0,
      "active" boolean not null default true,
      "metadata" jsonb not null default '{}',
      "pinned" boolean not null default false,
      "source" varchar(20) not null default 'manual',
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "routing_rules_pattern_unique" unique ("pattern"),
      constraint "routing_rules_preferred_layer_check" check ("preferred_layer" in ('fast', 'balanced', 'deep')),
      constraint "routing_rules_source_check" check ("source" in ('manual', 'optimizer'))
    );`);
    this.addSql(`create index "routing_rules_active_priority_idx" on "routing_rules" ("active", "priority");`);
    this.addSql(`create index "routing_rules_priority_idx" on "routing_rules" ("priority");`);
    this.addSql(`create index "routing_rules_source_idx" on "routing_rules" ("source");`);
    this.addSql(`create index "routing_rules_created_at_idx" on "routing_rules" ("created_at");`);

    this.addSql(`create table "bug_patterns" (
      "id" serial primary key,
      "category" varchar(100) not null,
      "pattern" text not null,
      "description" text not null,
      "solution" text null,
      "occurrences" int not null default 1,
      "severity" varchar(10) not null,
      "fingerprint" varchar(64) not null,
      "first_seen" timestamptz not null,
      "last_seen" timestamptz not null,
      constraint "bug_patterns_fingerprint_unique" unique ("fingerprint"),
      constraint "bug_patterns_severity_check" check ("severity" in ('low', 'medium', 'high', 'critical'))
    );`);
    this.addSql(`create index "bug_patterns_category_idx" on "bug_patterns" ("category");`);
    this.addSql(`create index "bug_patterns_occurrences_idx" on "bug_patterns" ("occurrences");`);
    this.addSql(`create index "bug_patterns_severity_idx" on "bug_patterns" ("severity");`);
    this.addSql(`create index "bug_patterns_last_seen_idx" on "bug_patterns" ("last_seen");`);

    this.addSql(`create table "performance_metrics" (
      "id" serial primary key,
      "metric_name" varchar(200) not null,
      "metric_value" double precision not null,
      "metric_unit" varchar(50) not null,
      "context" jsonb not null default '{}',
      "recorded_at" timestamptz not null
    );`);
    this.addSql(
      `create index "performance_metrics_name_recorded_idx" on "performance_metrics" ("metric_name", "recorded_at");`,
    );
    this.addSql(`create index "performance_metrics_recorded_at_idx" on "performance_metrics" ("recorded_at");`);

    this.addSql(`create table "model_performance" (
      "id" serial primary key,
      "model_id" varchar(200) not null,
      "task_type" varchar(100) not null,
      "success_rate" double precision not null default 0,
      "avg_latency_ms" double precision not null default 0,
      "avg_cost" double precision not null default 0,
      "total_calls" int not null default 0,
      "successes" int not null default 0,
      "latency_sum_ms" double precision not null default 0,
      "cost_sum" double precision not null default 0,
      "updated_at" timestamptz not null,
      constraint "model_performance_model_task_unique" unique ("model_id", "task_type")
    );`);
    this.addSql(`create index "model_performance_model_id_idx" on "model_performance" ("model_id");`);
    this.addSql(`create index "model_performance_task_type_idx" on "model_performance" ("task_type");`);
    this.addSql(`create index "model_performance_success_rate_idx" on "model_performance" ("success_rate");`);

    this.addSql(`create table "request_log" (
      "id" varchar(64) primary key,
      "ts" timestamptz not null,
      "task_type" varchar(100) not null,
      "layer" varchar(10) not null,
      "model" varchar(200) not null,
      "rule_id" int null,
      "strategy_arm" varchar(100) null,
      "tokens_in" int not null default 0,
      "tokens_out" int not null default 0,
      "cost" double precision not null default 0,
      "latency_ms" double precision not null default 0,
      "success" boolean not null,
      "error_class" varchar(50) null,
      "feedback_score" double precision null,
      "feedback_at" timestamptz null,
      "attempts" int not null default 1,
      "stream" boolean not null default false
    );`);
    this.addSql(`create index "request_log_ts_idx" on "request_log" ("ts");`);
    this.addSql(`create index "request_log_task_layer_idx" on "request_log" ("task_type", "layer");`);
    this.addSql(`create index "request_log_model_idx" on "request_log" ("model");`);
    this.addSql(`create index "request_log_rule_id_idx" on "request_log" ("rule_id");`);
    this.addSql(`create index "request_log_strategy_arm_idx" on "request_log" ("strategy_arm");`);
    this.addSql(`create index "request_log_success_idx" on "request_log" ("success");`);

    this.addSql(`create table "optimizer_runs" (
      "id" serial primary key,
      "started_at" timestamptz not null,
      "finished_at" timestamptz null,
      "trigger" varchar(10) not null,
      "dry_run" boolean not null default false,
      "changes" jsonb not null default '[]',
      "tick" varchar(40) null,
      constraint "optimizer_runs_tick_unique" unique ("tick"),
      constraint "optimizer_runs_trigger_check" check ("trigger" in ('cron', 'tool', 'cli'))
    );`);
    this.addSql(`create index "optimizer_runs_started_at_idx" on "optimizer_runs" ("started_at");`);
    this.addSql(`create index "optimizer_runs_trigger_idx" on "optimizer_runs" ("trigger");`);

    this.addSql(`create table "api_keys" (
      "id" serial primary key,
      "name" varchar(100) not null,
      "key_hash" varchar(64) not null,
      "key_prefix" varchar(16) not null,
      "scopes" jsonb not null,
      "created_at" timestamptz not null,
      "revoked_at" timestamptz null,
      constraint "api_keys_key_hash_unique" unique ("key_hash")
    );`);
    this.addSql(`create index "api_keys_name_idx" on "api_keys" ("name");`);
    this.addSql(`create index "api_keys_revoked_at_idx" on "api_keys" ("revoked_at");`);
  }

  override down(): void {
    for (const table of [
      'api_keys',
      'optimizer_runs',
      'request_log',
      'model_performance',
      'performance_metrics',
      'bug_patterns',
      'routing_rules',
      'regression_tests',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
