import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'performance_metrics' })
@Index({ name: 'performance_metrics_name_recorded_idx', properties: ['metricName', 'recordedAt'] })
export class PerformanceMetric {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  metricName!: string;

  @Property({ type: 'double' })
  metricValue!: number;

  @Property({ type: 'string', length: 50 })
  metricUnit!: string;

  @Property({ type: 'json', default: '{}' })
  context: Record<string, unknown> = {};

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  @Index({ name: 'performance_metrics_recorded_at_idx' })
  recordedAt: Date = new Date();
}
