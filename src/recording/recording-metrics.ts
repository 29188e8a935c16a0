import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../observability/metrics.service';
import type { RequestRecord } from './recording.types';

/** Prometheus instruments of routed traffic; observed in batches by the recorder, never per request. */
@Injectable()
export class RecordingMetrics {
  private readonly requests: Counter<string>;
  private readonly latency: Histogram<string>;
  private readonly cost: Counter<string>;
  private readonly tokens: Counter<string>;
  private readonly attempts: Counter<string>;
  private readonly failures: Counter<string>;
  private readonly droppedTotal: Counter<string>;

  constructor(metrics: MetricsService) {
    this.requests = metrics.counter(
      'gateway_routed_requests_total',
      'Routed chat requests by model, layer and outcome (success, failure, client_closed: the client left first)',
      ['model', 'layer', 'outcome'],
    );
    this.latency = metrics.histogram(
      'gateway_routed_request_duration_seconds',
      'Routed request latency (gateway plus upstream) by model, layer and outcome',
      ['model', 'layer', 'outcome'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.cost = metrics.counter('gateway_routed_cost_usd_total', 'Cost of routed requests in USD', ['model']);
    this.tokens = metrics.counter('gateway_routed_tokens_total', 'Tokens of routed requests', ['model', 'direction']);
    this.attempts = metrics.counter('gateway_model_calls_total', 'Calls to models (attempts) by outcome', [
      'model',
      'outcome',
    ]);
    this.failures = metrics.counter(
      'gateway_recorded_failures_total',
      'Failures recorded as bug patterns, by category and novelty',
      ['category', 'new'],
    );
    this.droppedTotal = metrics.counter(
      'gateway_recording_dropped_total',
      'Records dropped because the recording buffer was full',
      ['kind'],
    );
  }

  /** A gauge read at scrape time: how many records wait to be written. */
  trackBuffered(metrics: MetricsService, read: () => number): void {
    if (metrics.registry.getSingleMetric('gateway_recording_buffered')) return;
    new Gauge({
      name: 'gateway_recording_buffered',
      help: 'Records waiting to be written',
      registers: [metrics.registry],
      collect() {
        this.set(read());
      },
    });
  }

  observe(batch: readonly RequestRecord[]): void {
    for (const r of batch) {
      const outcome = outcomeOf(r);
      this.requests.inc({ model: r.model, layer: r.layer, outcome });
      this.latency.observe({ model: r.model, layer: r.layer, outcome }, r.latencyMs / 1000);
      if (r.cost > 0) this.cost.inc({ model: r.model }, r.cost);
      if (r.tokensIn > 0) this.tokens.inc({ model: r.model, direction: 'in' }, r.tokensIn);
      if (r.tokensOut > 0) this.tokens.inc({ model: r.model, direction: 'out' }, r.tokensOut);
      for (const c of r.calls) this.attempts.inc({ model: c.modelId, outcome: c.success ? 'success' : 'failure' });
    }
  }

  failure(category: string, isNew: boolean): void {
    this.failures.inc({ category, new: String(isNew) });
  }

  dropped(kind: string, count: number): void {
    this.droppedTotal.inc({ kind }, count);
  }
}

/** A client that went away before its answer is neither a success nor a failure of the model. */
function outcomeOf(r: RequestRecord): 'success' | 'failure' | 'client_closed' {
  if (r.success) return 'success';
  return r.errorClass === 'client_closed' ? 'client_closed' : 'failure';
}
