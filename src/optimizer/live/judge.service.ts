import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatRequest } from '@ai-mcp-gateway/provider-sdk';
import type { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../../config/config.module';
import type { GatewayConfig } from '../../config/config.schema';
import { ModelCatalogue } from '../../providers/model-catalogue';
import { ProviderRegistry } from '../../providers/provider-registry';
import { MetricsService } from '../../observability/metrics.service';
import { RecorderService } from '../../recording/recorder.service';
import { RequestLogService } from '../../request-log/request-log.service';
import type { JudgeVerdict } from '../learning';
import { buildJudgePrompt, parseJudgeReply } from '../learning';
import { seededRng } from '../stats';

/** Judge activity since start (and today's spend), for get_policy, the eval and the logs. */
export interface JudgeStats {
  model: string | null;
  sampleRate: number;
  requested: number;
  graded: number;
  noSignal: number;
  failed: number;
  skippedBudget: number;
  costUsd: number;
  todayUsd: number;
}

/**
 * Judge sampling (optimizer.judge): after a response was sent, a sampled share of answered requests is
 * graded by the judge model, through the same provider plugins, with the documented prompt
 * (learning/judge.ts; JSON asked with response_format where the plugin takes it). Each judge call is
 * costed and recorded in request_log as its own row (task type `judge`, strategy arm `judge:<request id>`),
 * so /metrics and analyze_metrics count it (and gateway_judge_calls_total{outcome}, gateway_judge_cost_usd_total);
 * judging stops for the UTC day at maxDailyUsd (this process's spend since the day began or it started).
 */
@Injectable()
export class JudgeService {
  private readonly logger = new Logger('Judge');
  private readonly rng: () => number;
  private readonly stats: JudgeStats;
  private day = '';
  private readonly calls: Counter<string>;
  private readonly spent: Counter<string>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly catalogue: ModelCatalogue,
    private readonly providers: ProviderRegistry,
    private readonly recorder: RecorderService,
    private readonly requestLog: RequestLogService,
    metrics: MetricsService,
  ) {
    this.calls = metrics.counter('gateway_judge_calls_total', 'Judge gradings by outcome', ['outcome']);
    this.spent = metrics.counter('gateway_judge_cost_usd_total', 'USD spent on judge calls');
    const j = config.optimizer.judge;
    this.rng = config.optimizer.seed === undefined ? Math.random : seededRng(config.optimizer.seed + 7919);
    this.stats = {
      model: j.model ?? null,
      sampleRate: j.model ? j.sampleRate : 0,
      requested: 0,
      graded: 0,
      noSignal: 0,
      failed: 0,
      skippedBudget: 0,
      costUsd: 0,
      todayUsd: 0,
    };
  }

  snapshot(): JudgeStats {
    this.rollDay();
    return { ...this.stats };
  }

  /** Whether this answered request is to be graded (the sample draw, and today's budget). */
  sampled(): boolean {
    const j = this.config.optimizer.judge;
    if (!j.model || j.sampleRate <= 0 || this.rng() >= j.sampleRate) return false;
    this.rollDay();
    if (j.maxDailyUsd !== undefined && this.stats.todayUsd >= j.maxDailyUsd) {
      this.stats.skippedBudget++;
      this.calls.inc({ outcome: 'skipped_budget' });
      return false;
    }
    return true;
  }

  /** Grades one answer (never throws): the verdict, or no signal with the reason. */
  async grade(requestId: string, request: string, answer: string): Promise<JudgeVerdict> {
    const j = this.config.optimizer.judge;
    const model = j.model ? this.catalogue.get(j.model) : undefined;
    const instance = model ? this.providers.get(model.provider) : undefined;
    this.stats.requested++;
    if (!model || !instance) return this.fail(`the judge model "${j.model}" is not available`);
    const messages = buildJudgePrompt({ request, answer, rubric: j.rubric });
    const chat: ChatRequest = { model: model.id, messages, temperature: 0, max_tokens: 200 };
    if (this.providers.supportedParams(model.provider).has('response_format'))
      chat.response_format = { type: 'json_object' };
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), j.timeoutMs);
    try {
      const response = await instance.chat(chat, { signal: controller.signal, timeoutMs: j.timeoutMs });
      const cost = this.catalogue.cost(model, response.usage);
      this.spend(cost);
      this.record(requestId, model.id, model.layer, response.usage, cost, performance.now() - started, null);
      const verdict = parseJudgeReply(response.content ?? '');
      if (verdict.kind === 'score') {
        this.stats.graded++;
        void this.storeScore(requestId, verdict.score);
      } else this.stats.noSignal++;
      this.calls.inc({ outcome: verdict.kind === 'score' ? 'graded' : 'no_signal' });
      return verdict;
    } catch (err) {
      this.record(requestId, model.id, model.layer, undefined, 0, performance.now() - started, 'judge_failed');
      return this.fail(`the judge call failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The grade on the graded request's request_log row (the console's judge score per model), once the
   * recorder has written it, as caller feedback does.
   */
  private async storeScore(requestId: string, score: number): Promise<void> {
    try {
      await this.recorder.written(requestId);
      await this.requestLog.setJudgeScore(requestId, score);
    } catch (err) {
      this.logger.warn(`storing the judge's grade of ${requestId} failed: ${(err as Error).message}`);
    }
  }

  private fail(reason: string): JudgeVerdict {
    this.stats.failed++;
    this.calls.inc({ outcome: 'failed' });
    this.logger.debug(reason);
    return { kind: 'no-signal', reason };
  }

  private spend(cost: number): void {
    this.rollDay();
    this.stats.costUsd += cost;
    this.spent.inc(cost);
    this.stats.todayUsd += cost;
  }

  private rollDay(): void {
    const day = new Date().toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.stats.todayUsd = 0;
    }
  }

  private record(
    requestId: string,
    model: string,
    layer: string,
    usage: { promptTokens: number; completionTokens: number } | undefined,
    cost: number,
    latencyMs: number,
    errorClass: string | null,
  ): void {
    this.recorder.recordRequest({
      id: `judge-${randomUUID()}`,
      ts: Date.now(),
      taskType: 'judge',
      layer,
      model,
      ruleId: null,
      strategyArm: `judge:${requestId}`.slice(0, 100),
      tokensIn: usage?.promptTokens ?? 0,
      tokensOut: usage?.completionTokens ?? 0,
      cost,
      latencyMs: Math.round(latencyMs),
      success: errorClass === null,
      errorClass,
      attempts: 1,
      stream: false,
      calls: [{ modelId: model, success: errorClass === null, latencyMs: Math.round(latencyMs), cost }],
    });
  }
}
