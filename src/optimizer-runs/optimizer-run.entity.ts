import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const OPTIMIZER_TRIGGERS = ['cron', 'tool', 'cli'] as const;
export type OptimizerTrigger = (typeof OPTIMIZER_TRIGGERS)[number];

@Entity({ tableName: 'optimizer_runs' })
export class OptimizerRun {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index({ name: 'optimizer_runs_started_at_idx' })
  startedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  @Enum({ items: () => OPTIMIZER_TRIGGERS, columnType: 'varchar(10)' })
  @Index({ name: 'optimizer_runs_trigger_idx' })
  trigger!: OptimizerTrigger;

  @Property({ type: 'boolean', default: false })
  dryRun: boolean = false;

  /** Every change with before, after and evidence. */
  @Property({ type: 'json', default: '[]' })
  changes: unknown[] = [];

  /** The cron tick this run belongs to (one row per tick across replicas). */
  @Property({ type: 'string', length: 40, nullable: true, unique: 'optimizer_runs_tick_unique' })
  tick?: string | null;
}
