/* The recorder's queued requests as the rows model_performance and request_log take (text freed of NUL). */
import type { ModelCall } from '../model-performance/model-performance.service';
import type { RequestLogInput } from '../request-log/request-log.types';
import type { RequestRecord } from './recording.types';

/** Every model call of a batch, with its request's task type (model performance sums them per key). */
export function modelCallsOf(batch: readonly RequestRecord[]): ModelCall[] {
  const out: ModelCall[] = [];
  for (const r of batch)
    for (const c of r.calls)
      out.push({
        modelId: withoutNul(c.modelId),
        taskType: withoutNul(r.taskType),
        success: c.success,
        latencyMs: c.latencyMs,
        cost: c.cost,
      });
  return out;
}

/** Postgres text cannot hold U+0000 (a caller can send it, e.g. as a task type): replaced by U+FFFD, deeply. */
export function withoutNul<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (value === null || typeof value !== 'object' || depth > 32 || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutNul(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[withoutNul(k)] = withoutNul(v, depth + 1);
  return out as T;
}

export function toRequestLog(r: RequestRecord): RequestLogInput {
  return {
    id: withoutNul(r.id),
    ts: new Date(r.ts),
    taskType: withoutNul(r.taskType),
    layer: r.layer,
    model: withoutNul(r.model),
    ruleId: r.ruleId,
    strategyArm: r.strategyArm && withoutNul(r.strategyArm),
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    cost: r.cost,
    latencyMs: r.latencyMs,
    success: r.success,
    errorClass: r.errorClass && withoutNul(r.errorClass),
    attempts: r.attempts,
    stream: r.stream,
    cached: r.cached ?? false,
    clientRequestId: r.clientRequestId ?? null,
  };
}
