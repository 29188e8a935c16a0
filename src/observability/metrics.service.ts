import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { observeHeapAfterFullGc } from './heap-after-gc';

/** One Prometheus registry for the process; modules register their own instruments through it. */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly stopHeapObserver: () => void;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    this.stopHeapObserver = observeHeapAfterFullGc(this.registry, 'gateway_');
  }

  onModuleDestroy(): void {
    this.stopHeapObserver();
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<string>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<string>;
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
