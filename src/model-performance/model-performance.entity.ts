import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** Written only by one atomic upsert (ModelPerformanceRepository.recordCalls), never read-modify-write. */
@Entity({ tableName: 'model_performance' })
@Unique({ name: 'model_performance_model_task_unique', properties: ['modelId', 'taskType'] })
export class ModelPerformance {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  @Index({ name: 'model_performance_model_id_idx' })
  modelId!: string;

  @Property({ type: 'string', length: 100 })
  @Index({ name: 'model_performance_task_type_idx' })
  taskType!: string;

  /** 0-100 */
  @Property({ type: 'double', default: 0 })
  @Index({ name: 'model_performance_success_rate_idx' })
  successRate: number = 0;

  @Property({ type: 'double', default: 0 })
  avgLatencyMs: number = 0;

  @Property({ type: 'double', default: 0 })
  avgCost: number = 0;

  @Property({ type: 'integer', default: 0 })
  totalCalls: number = 0;

  @Property({ type: 'integer', default: 0 })
  successes: number = 0;

  @Property({ type: 'double', default: 0 })
  latencySumMs: number = 0;

  @Property({ type: 'double', default: 0 })
  costSum: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
