import { Migration } from '@mikro-orm/migrations';

/**
 * Guardrails: per-key budgets (key_budgets) and their spend per period (budget_spend); alerts with their
 * webhook delivery state and the cool-downs that deduplicate them across replicas; the client's own
 * x-request-id kept beside the gateway-made request_log id.
 */
export class Migration20261202114300Guardrails extends Migration {
  override up(): void {
    this.addSql(`create table "key_budgets" (
      "id" serial primary key,
      "key_id" int not null,
      "period" varchar(10) not null,
      "limit_usd" double precision not null,
      "updated_at" timestamptz not null,
      constraint "key_budgets_key_period_unique" unique ("key_id", "period")
    );`);
    this.addSql(`create table "budget_spend" (
      "id" serial primary key,
      "subject" varchar(40) not null,
      "period" varchar(10) not null,
      "period_start" date not null,
      "spent_usd" double precision not null default 0,
      "reserved_usd" double precision not null default 0,
      constraint "budget_spend_subject_period_unique" unique ("subject", "period", "period_start")
    );`);
    this.addSql(`create index "budget_spend_subject_idx" on "budget_spend" ("subject");`);
    this.addSql(`create table "alerts" (
      "id" serial primary key,
      "kind" varchar(40) not null,
      "severity" varchar(10) not null,
      "subject" varchar(200) not null,
      "message" text not null,
      "value" double precision null,
      "baseline" double precision null,
      "window" varchar(100) not null,
      "evidence" jsonb not null default '{}',
      "opened_at" timestamptz not null,
      "resolved_at" timestamptz null,
      "delivered_at" timestamptz null,
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz null,
      "last_error" text null
    );`);
    this.addSql(`create index "alerts_kind_idx" on "alerts" ("kind");`);
    this.addSql(`create index "alerts_opened_at_idx" on "alerts" ("opened_at");`);
    this.addSql(`create index "alerts_next_attempt_at_idx" on "alerts" ("next_attempt_at");`);
    this.addSql(`create table "alert_cooldowns" (
      "dedupe_key" varchar(300) not null primary key,
      "until" timestamptz not null
    );`);
    this.addSql(`alter table "request_log" add column "client_request_id" varchar(64) null;`);
    this.addSql(`create index "request_log_client_request_id_idx" on "request_log" ("client_request_id");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "request_log_client_request_id_idx";`);
    this.addSql(`alter table "request_log" drop column if exists "client_request_id";`);
    this.addSql(`drop table if exists "alert_cooldowns" cascade;`);
    this.addSql(`drop table if exists "alerts" cascade;`);
    this.addSql(`drop table if exists "budget_spend" cascade;`);
    this.addSql(`drop table if exists "key_budgets" cascade;`);
  }
}
