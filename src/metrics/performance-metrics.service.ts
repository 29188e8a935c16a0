import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { InvalidInputError } from '../errors';
import { assertJsonSize } from '../tools/schema-helpers';
import { MetricRecord, PerformanceMetricsRepository } from './performance-metrics.repository';
import type { MetricDto } from './performance-metrics.schemas';

export type MetricInput = MetricRecord;

/** performance_metrics: named measurements with a unit and a JSON context. */
@Injectable()
export class PerformanceMetricsService {
  constructor(
    private readonly metrics: PerformanceMetricsRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Records one measurement.
   * @throws InvalidInputError (path `value`) for a value that is not finite; (path `context`) over security.maxJsonFieldBytes.
   */
  async recordMetric(input: MetricInput): Promise<MetricDto> {
    this.check(input);
    return this.metrics.insert(input);
  }

  /**
   * Records a batch; every row is checked first, so a bad row writes nothing. Returns the rows written.
   * @throws InvalidInputError as recordMetric does, for the first bad row.
   */
  async recordMetrics(rows: readonly MetricInput[]): Promise<number> {
    rows.forEach((r) => this.check(r));
    return this.metrics.insertMany(rows);
  }

  private check(input: MetricInput): void {
    if (!Number.isFinite(input.value)) throw InvalidInputError.field('value', 'must be a finite number');
    assertJsonSize('context', input.context, this.config.security.maxJsonFieldBytes);
  }
}
