import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { RecorderService } from '../recording/recorder.service';
import { AlertsService } from './alerts.service';
import { CallWindows, Degradation } from './call-windows';
import { ScoreWindows } from './score-windows';

/**
 * Watches every model call this replica makes (through the recorder, O(1) per call) and, every
 * alerts.checkIntervalMs, raises an alert for each model whose recent success rate or p95 latency
 * degraded against its own trailing baseline; one for each model whose judge grades (judgeGraded, from
 * the learned policy's judge sampling) dropped against their own; and one when the recorder dropped records. Replicas watch
 * their own traffic; the alert's cool-down in the database makes one event of what several see.
 */
@Injectable()
export class ModelHealthMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly windows: CallWindows;
  private readonly grades: ScoreWindows;
  private timer?: NodeJS.Timeout;
  private droppedSeen = 0;
  private readonly degraded = new Set<string>();

  constructor(
    private readonly recorder: RecorderService,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.windows = new CallWindows(config.alerts);
    this.grades = new ScoreWindows(config.alerts.judge);
  }

  /** A judge's grade (0..1) of one of the model's answers. */
  judgeGraded(model: string, score: number): void {
    this.grades.add(model, score, this.clock.now().getTime());
  }

  /** The models whose judge grades are being watched. */
  judgedModels(): string[] {
    return this.grades.subjects();
  }

  onModuleInit(): void {
    this.recorder.onRecord((r) => {
      const at = this.clock.now().getTime();
      for (const c of r.calls) this.windows.add(c.modelId, c.success, c.latencyMs, at);
    });
    this.timer = setInterval(() => this.check(), this.config.alerts.checkIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One check of every model (and of the recorder's drops). */
  check(): void {
    const now = this.clock.now().getTime();
    const window = `${this.config.alerts.windowMs / 1000}s against the ${this.config.alerts.baselineMs / 1000}s before`;
    for (const model of this.windows.models()) {
      const found = this.windows.judge(model, now);
      for (const d of found) this.raise(model, d, window);
      for (const kind of ['model_success_degraded', 'model_latency_degraded'] as const) {
        const key = `${kind}|${model}`;
        if (found.some((d) => d.kind === kind)) this.degraded.add(key);
        else if (this.degraded.delete(key)) this.alerts.resolve(kind, model);
      }
    }
    this.checkGrades(now);
    this.checkDrops();
  }

  private checkGrades(now: number): void {
    const j = this.config.alerts.judge;
    for (const model of this.grades.subjects()) {
      const drop = this.grades.judge(model, now);
      const key = `judge_score_dropped|${model}`;
      if (!drop) {
        if (this.degraded.delete(key)) this.alerts.resolve('judge_score_dropped', model);
        continue;
      }
      this.degraded.add(key);
      const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
      this.alerts.raise({
        kind: 'judge_score_dropped',
        severity: 'warning',
        subject: model,
        message: `${model}: the judge's mean grade was ${pct(drop.value)} over ${drop.window.grades} answers in the last ${j.windowMs / 60000} min, against ${pct(drop.baseline)} before`,
        value: drop.value,
        baseline: drop.baseline,
        window: `${j.windowMs / 1000}s against the ${j.baselineMs / 1000}s before`,
        evidence: {
          model,
          window: drop.window,
          baseline: drop.trailing,
          link: `/tools/get_request_log?model=${encodeURIComponent(model)}`,
        },
      });
    }
  }

  private raise(model: string, d: Degradation, window: string): void {
    const success = d.kind === 'model_success_degraded';
    const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
    this.alerts.raise({
      kind: d.kind,
      severity: success && d.value < 0.5 ? 'critical' : 'warning',
      subject: model,
      message: success
        ? `${model}: ${pct(d.value)} of calls succeeded in the last ${this.config.alerts.windowMs / 1000}s, against ${pct(d.baseline)}${d.assumedBaseline ? ' (no baseline yet: 100% assumed)' : ' before'}`
        : `${model}: p95 latency ${Math.round(d.value)} ms in the last ${this.config.alerts.windowMs / 1000}s, against ${Math.round(d.baseline)} ms before`,
      value: d.value,
      baseline: d.baseline,
      window,
      evidence: {
        model,
        window: d.window,
        baseline: d.trailing,
        assumedBaseline: d.assumedBaseline,
        link: `/tools/get_request_log?model=${encodeURIComponent(model)}`,
      },
    });
  }

  private checkDrops(): void {
    const dropped = this.recorder.droppedTotal;
    if (dropped <= this.droppedSeen) return;
    const fresh = dropped - this.droppedSeen;
    this.droppedSeen = dropped;
    this.alerts.raise({
      kind: 'recorder_dropped',
      severity: 'critical',
      subject: 'recorder',
      message: `the recorder dropped ${fresh} record(s) since the last check (${dropped} since start)`,
      value: fresh,
      baseline: 0,
      window: `${this.config.alerts.checkIntervalMs / 1000}s`,
      evidence: { droppedSinceStart: dropped, link: '/health' },
    });
  }
}
