import type { z } from 'zod';
import type { objective } from '@ai-mcp-gateway/console-contract';
import type { GatewayConfig } from '../config/config.schema';

export type ObjectiveInForce = z.output<typeof objective>;

/**
 * The routing objective the config sets, as get_policy and explain_route report it. Today's policy
 * maximises the cost-weight utility (quality - costWeight x relative price - latencyWeight x latency);
 * a quality floor (optimizer.objective.qualityFloor) takes over where the config has one.
 */
export function objectiveInForce(config: GatewayConfig): ObjectiveInForce {
  const o = config.optimizer;
  const floor = qualityFloorOf(config);
  return {
    kind: floor === null ? 'cost_weight' : 'quality_floor',
    qualityFloor: floor,
    costWeight: o.costWeight,
    latencyWeight: o.latencyWeight,
    exploration: o.exploration,
    margin: o.margin,
    minSample: o.minSample,
    confidence: o.confidence,
  };
}

/** optimizer.objective.qualityFloor where the config has it (the quality-floor objective), else null. */
function qualityFloorOf(config: GatewayConfig): number | null {
  return config.optimizer.objective.qualityFloor ?? null;
}
