import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { PerformanceMetric } from './performance-metric.entity';
import type { MetricDto } from './performance-metrics.schemas';

/** One measurement as stored. */
export interface MetricRecord {
  name: string;
  value: number;
  unit: string;
  context?: Record<string, unknown>;
  recordedAt?: Date;
}

/** Rows per multi-row insert: well under Postgres' 65,535 bind parameters. */
const INSERT_CHUNK = 1000;
const COLUMNS = 'metric_name, metric_value, metric_unit, context, recorded_at';
const VALUES = '(?, ?, ?, ?::jsonb, ?)';

/** performance_metrics: single and multi-row inserts. */
@Injectable()
export class PerformanceMetricsRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(metric: MetricRecord): Promise<MetricDto> {
    const em = this.db.fork();
    const [row] = await queryRows(
      em,
      `insert into performance_metrics (${COLUMNS}) values ${VALUES} returning *`,
      metricParams(metric),
    );
    return toMetricDto(em.map(PerformanceMetric, row));
  }

  /** Inserts in chunks of INSERT_CHUNK rows; returns the rows written. */
  async insertMany(metrics: readonly MetricRecord[]): Promise<number> {
    const em = this.db.fork();
    for (let i = 0; i < metrics.length; i += INSERT_CHUNK) {
      const chunk = metrics.slice(i, i + INSERT_CHUNK);
      await queryRows(
        em,
        `insert into performance_metrics (${COLUMNS}) values ${chunk.map(() => VALUES).join(', ')}`,
        chunk.flatMap(metricParams),
      );
    }
    return metrics.length;
  }
}

function metricParams(m: MetricRecord): Knex.Value[] {
  return [m.name, m.value, m.unit, JSON.stringify(m.context ?? {}), m.recordedAt ?? new Date()];
}

function toMetricDto(m: PerformanceMetric): MetricDto {
  return {
    id: m.id,
    name: m.metricName,
    value: m.metricValue,
    unit: m.metricUnit,
    context: m.context ?? {},
    recordedAt: new Date(m.recordedAt).toISOString(),
  };
}
