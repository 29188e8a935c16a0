/* The span attributes of a routed request (OpenTelemetry GenAI conventions): numbers, ids and names, never text. */
import type { Attributes } from '@opentelemetry/api';
import { GEN_AI, RequestOutcomeAttributes } from '../observability/tracing/request-trace';
import type { CatalogueModel } from '../providers/model-catalogue';
import type { RequestRecord } from '../recording/recording.types';
import type { RouteDecision, RouteRequest } from './routing.types';

export function requestAttributes(req: RouteRequest): Attributes {
  const out: Attributes = { 'gateway.request_id': req.requestId, 'gateway.stream': req.stream };
  if (typeof req.params.max_tokens === 'number') out[GEN_AI.maxTokens] = req.params.max_tokens;
  if (typeof req.params.temperature === 'number') out[GEN_AI.temperature] = req.params.temperature;
  return out;
}

export function decisionAttributes(d: RouteDecision): Attributes {
  const out: Attributes = {
    'gateway.task_type': d.taskType,
    'gateway.size': d.size,
    'gateway.prompt_tokens': d.promptTokens,
    'gateway.layer': d.layer,
    'gateway.reason': d.reason,
    'gateway.candidates': d.candidates.map((m) => m.id),
    'gateway.estimated_cost_usd': d.estimatedCost,
    'gateway.decision_us': d.decisionUs,
  };
  if (d.rule) out['gateway.rule_id'] = d.rule.id;
  if (d.strategyArm) out['gateway.strategy_arm'] = d.strategyArm;
  return out;
}

export function attemptAttributes(
  model: CatalogueModel,
  attempt: number,
): Attributes & { [GEN_AI.requestModel]: string } {
  return {
    [GEN_AI.requestModel]: model.upstreamModel,
    [GEN_AI.system]: model.provider,
    [GEN_AI.provider]: model.provider,
    'gateway.model': model.id,
    'gateway.layer': model.layer,
    'gateway.attempt': attempt,
  };
}

export function outcomeAttributes(r: RequestRecord, model?: CatalogueModel): RequestOutcomeAttributes {
  return {
    success: r.success,
    errorClass: r.errorClass,
    model: r.model,
    responseModel: model?.upstreamModel,
    provider: model?.provider,
    layer: r.layer,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    costUsd: r.cost,
    attempts: r.attempts,
  };
}
