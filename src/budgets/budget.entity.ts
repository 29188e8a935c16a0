import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export const BUDGET_PERIODS = ['day', 'month', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** The spend limit of one API key for one period (a key may have a daily and a monthly one). */
@Entity({ tableName: 'key_budgets' })
@Unique({ name: 'key_budgets_key_period_unique', properties: ['keyId', 'period'] })
export class KeyBudget {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  keyId!: number;

  @Property({ type: 'string', length: 10 })
  period!: BudgetPeriod;

  @Property({ type: 'double' })
  limitUsd!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

/**
 * Spend per subject (`key:<id>` or `global`), period and period start: what was spent (real costs) and
 * what is reserved by calls in flight (their estimates). One row is updated by one statement per call.
 */
@Entity({ tableName: 'budget_spend' })
@Unique({ name: 'budget_spend_subject_period_unique', properties: ['subject', 'period', 'periodStart'] })
export class BudgetSpend {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 40 })
  @Index({ name: 'budget_spend_subject_idx' })
  subject!: string;

  @Property({ type: 'string', length: 10 })
  period!: BudgetPeriod;

  @Property({ type: 'date' })
  periodStart!: string;

  @Property({ type: 'double', default: 0 })
  spentUsd: number = 0;

  @Property({ type: 'double', default: 0 })
  reservedUsd: number = 0;
}
