import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CONSOLE_TOOLS,
  ConsoleToolOutput,
  getQualitySeriesInput,
  getRequestLogInput,
  getUsageSeriesInput,
  RequestLogRow,
} from '@ai-mcp-gateway/console-contract';
import { formatUsd } from '../common/usd';
import { InvalidInputError } from '../errors';
import { NUL_REFUSAL } from '../tools/schema-helpers';
import { Tool } from '../tools/tool.decorator';
import { RequestLogService } from './request-log.service';
import type { LoggedRequest, QualityBucket, UsageBucket } from './request-log.types';

type Output<N extends 'get_request_log' | 'get_usage_series' | 'get_quality_series'> = ConsoleToolOutput<N>;

/** The read tools of request_log: pages of rows and time series aggregated in SQL. */
/** A latency as tool texts print it: whole milliseconds (the SQL percentile is a float), '-' when none. */
const msOf = (ms: number | null | undefined) => (ms == null ? '-' : Math.round(ms));

@Injectable()
export class RequestLogTools {
  constructor(private readonly log: RequestLogService) {}

  @Tool({
    name: 'get_request_log',
    ...CONSOLE_TOOLS.get_request_log,
    text: (r: Output<'get_request_log'>) =>
      [
        `${r.items.length} of ${r.total} request(s)`,
        ...r.items.map(
          (i) =>
            `${i.ts} ${i.id} ${i.model} (${i.layer}, ${i.taskType}) ${i.success ? 'ok' : (i.errorClass ?? 'failed')} ${Math.round(i.latencyMs)} ms ${formatUsd(i.cost)}`,
        ),
      ].join('\n'),
  })
  async getRequestLog(input: z.output<typeof getRequestLogInput>): Promise<Output<'get_request_log'>> {
    for (const field of ['model', 'taskType'] as const)
      if (input[field]?.includes('\u0000')) throw InvalidInputError.field(field, NUL_REFUSAL);
    if (input.since && input.until && input.since >= input.until)
      throw InvalidInputError.field('until', 'must be after since');
    const page = await this.log.page(
      {
        since: input.since ? new Date(input.since) : undefined,
        until: input.until ? new Date(input.until) : undefined,
        model: input.model,
        layer: input.layer,
        taskType: input.taskType,
        success: input.success,
      },
      input.limit,
      input.offset,
    );
    return { items: page.items.map(toRequestLogRow), total: page.total };
  }

  @Tool({
    name: 'get_usage_series',
    ...CONSOLE_TOOLS.get_usage_series,
    text: (r: Output<'get_usage_series'>) =>
      `${r.totals.requests} request(s) in the last ${r.window} (${r.totals.successes} answered, ${formatUsd(r.totals.costUsd)}); ` +
      `p50 ${msOf(r.totals.p50LatencyMs)} ms, p95 ${msOf(r.totals.p95LatencyMs)} ms; ${r.series.length} series by ${r.groupBy}`,
  })
  async getUsageSeries(input: z.output<typeof getUsageSeriesInput>): Promise<Output<'get_usage_series'>> {
    const usage = await this.log.usage(input.window, input.groupBy);
    return {
      window: usage.window,
      bucketSeconds: usage.bucketSeconds,
      from: usage.from.toISOString(),
      to: usage.to.toISOString(),
      groupBy: input.groupBy,
      series: grouped(usage.buckets, (b) => b.key).map(([key, points]) => ({ key, points: points.map(usagePoint) })),
      totals: usage.totals,
    };
  }

  @Tool({
    name: 'get_quality_series',
    ...CONSOLE_TOOLS.get_quality_series,
    text: (r: Output<'get_quality_series'>) =>
      r.series
        .map((s) => {
          const n = s.points.reduce((sum, p) => sum + p.success.n, 0);
          const ok = s.points.reduce((sum, p) => sum + p.success.rate * p.success.n, 0);
          return `${s.model}: ${n} request(s), ${n ? Math.round((ok / n) * 1000) / 10 : 0}% answered`;
        })
        .join('\n') || `no requests in the last ${r.window}`,
  })
  async getQualitySeries(input: z.output<typeof getQualitySeriesInput>): Promise<Output<'get_quality_series'>> {
    if (input.model?.includes('\u0000')) throw InvalidInputError.field('model', NUL_REFUSAL);
    const quality = await this.log.quality(input.window, input.model);
    return {
      window: quality.window,
      bucketSeconds: quality.bucketSeconds,
      from: quality.from.toISOString(),
      to: quality.to.toISOString(),
      judgeEnabled: quality.judgeEnabled,
      series: grouped(quality.buckets, (b) => b.model).map(([model, points]) => ({
        model,
        points: points.map(qualityPoint),
      })),
    };
  }
}

/** A stored row in the shape of the contract (the live stream sends the same). */
export function toRequestLogRow(r: LoggedRequest): RequestLogRow {
  return {
    ...r,
    ts: r.ts.toISOString(),
    layer: r.layer as RequestLogRow['layer'],
    ruleId: r.ruleId !== null && r.ruleId > 0 ? r.ruleId : null,
    feedbackScore: r.feedbackScore === null ? null : Math.min(1, Math.max(0, r.feedbackScore)),
  };
}

function usagePoint(b: UsageBucket) {
  return {
    t: b.start.toISOString(),
    requests: b.requests,
    successes: b.successes,
    p50LatencyMs: b.p50LatencyMs,
    p95LatencyMs: b.p95LatencyMs,
    costUsd: b.costUsd,
    tokensIn: b.tokensIn,
    tokensOut: b.tokensOut,
  };
}

function qualityPoint(b: QualityBucket) {
  return {
    t: b.start.toISOString(),
    judge: b.judge,
    caller: b.caller,
    success: { rate: b.successes / b.requests, n: b.requests },
  };
}

/** Rows already ordered by key then time, as [key, rows of that key]. */
function grouped<T>(rows: readonly T[], keyOf: (row: T) => string): Array<[string, T[]]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  return [...out.entries()];
}
