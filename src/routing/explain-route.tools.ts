import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { CONSOLE_TOOLS, ConsoleToolOutput, explainRouteInput } from '@ai-mcp-gateway/console-contract';
import { formatUsd } from '../common/usd';
import { InvalidInputError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import { ModelReadiness } from '../providers/model-readiness';
import { ProviderRegistry } from '../providers/provider-registry';
import { Tool } from '../tools/tool.decorator';
import type { ToolContext } from '../tools/tool.types';
import type { PolicyExplanation } from './model-policy';
import { objectiveInForce } from './objective';
import { RouterService } from './router.service';
import type { RouteDecision } from './routing.types';

type Explained = ConsoleToolOutput<'explain_route'>;
type Candidate = Explained['candidates'][number];

/** explain_route: the router's decision for a prompt, with the evidence behind it; no model is called. */
@Injectable()
export class ExplainRouteTools {
  constructor(
    private readonly router: RouterService,
    private readonly catalogue: ModelCatalogue,
    private readonly readiness: ModelReadiness,
    private readonly providers: ProviderRegistry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Tool({
    name: 'explain_route',
    ...CONSOLE_TOOLS.explain_route,
    text: (r: Explained) =>
      [
        `${r.model} (${r.layer}, ${r.strategy}): ${r.reason}`,
        ...r.candidates.map(
          (c) =>
            `${c.rank}. ${c.model}${c.chosen ? ' *' : ''} ${c.quality ? `quality ${c.quality.mean.toFixed(3)} [${c.quality.lower.toFixed(3)}-${c.quality.upper.toFixed(3)}] n=${c.quality.n}` : ''} est. ${formatUsd(c.estimatedCostUsd)}${c.note ? ` (${c.note})` : ''}`,
        ),
      ].join('\n'),
  })
  async explainRoute(input: z.output<typeof explainRouteInput>, ctx: ToolContext): Promise<Explained> {
    if (input.qualityFloor !== undefined && objectiveInForce(this.config).kind !== 'quality_floor')
      throw InvalidInputError.field(
        'qualityFloor',
        'the router of this gateway routes by the cost-weight utility and has no per-request quality floor',
      );
    const messages = input.messages ?? [{ role: 'user' as const, content: input.prompt ?? '' }];
    const { decision, policy } = await this.router.explain({
      requestId: ctx.requestId ?? randomUUID(),
      model: input.model,
      messages,
      params: {},
      taskType: input.taskType,
      stream: false,
    });
    const candidates = this.candidates(decision, policy);
    const chosen = candidates.find((c) => c.chosen);
    const objective = objectiveInForce(this.config);
    return {
      classification: { taskType: decision.taskType, size: decision.size, promptTokens: decision.promptTokens },
      rule: decision.rule && { ...decision.rule },
      layer: decision.layer,
      strategy: strategyOf(decision, policy),
      objective: { kind: objective.kind, qualityFloor: objective.qualityFloor, costWeight: objective.costWeight },
      warm: policy?.warm ?? false,
      model: chosen?.model ?? decision.candidates[0]?.id ?? 'none',
      reason: reasonOf(decision, policy, chosen),
      candidates,
    };
  }

  /** In the executor's order; the chosen one is the first it would actually call (provider loaded, breaker letting calls through). */
  private candidates(d: RouteDecision, policy: PolicyExplanation | undefined): Candidate[] {
    let chosenTaken = false;
    return d.candidates.map((m, i) => {
      const state = this.readiness.model(m.id);
      const breaker = state?.breaker ?? 'closed';
      // As the executor: a model is tried when its provider is loaded and its breaker lets a call through.
      const callable = breaker !== 'open' && this.providers.isReady(m.provider);
      const estimate = policy?.estimates.get(m.id);
      const chosen = callable && !chosenTaken;
      if (chosen) chosenTaken = true;
      return {
        model: m.id,
        layer: m.layer,
        rank: i + 1,
        available: state?.ready ?? false,
        breaker: breaker === 'half-open' ? 'half_open' : breaker,
        quality: estimate ? { mean: estimate.mean, lower: estimate.lower, upper: estimate.upper, n: estimate.n } : null,
        estimatedCostUsd: this.catalogue.estimateCost(m, d.promptTokens),
        utility: estimate ? estimate.utility : null,
        chosen,
        note: noteOf(d, policy, m.id, m.layer, state?.reasons ?? [], callable),
      };
    });
  }
}

function strategyOf(d: RouteDecision, policy: PolicyExplanation | undefined): string {
  if (d.reason === 'rule') return 'rule';
  if (d.reason === 'layer' || d.reason === 'model') return 'explicit';
  return policy?.strategy ?? 'static';
}

function reasonOf(d: RouteDecision, policy: PolicyExplanation | undefined, chosen: Candidate | undefined): string {
  const head =
    d.reason === 'rule' && d.rule
      ? `rule #${d.rule.id} (${d.rule.pattern}) sends it to the ${d.rule.preferredLayer} layer${d.rule.preferredModel ? `, ${d.rule.preferredModel} first` : ''}`
      : d.reason === 'model'
        ? `the request names the model ${d.requested}`
        : d.reason === 'layer'
          ? `the request names the ${d.requested} layer`
          : `no rule matched; ${d.taskType} (${d.size}) → ${policy ? policy.note : `the ${d.layer} layer by task type and size`}`;
  const tail = chosen ? '' : '; no candidate can be called now (every one unavailable or its breaker open)';
  return `${head}${tail}`;
}

function noteOf(
  d: RouteDecision,
  policy: PolicyExplanation | undefined,
  model: string,
  layer: string,
  reasons: readonly string[],
  callable: boolean,
): string | null {
  if (!callable) return `skipped: ${reasons.join('; ')}`;
  if (d.rule?.preferredModel === model) return 'the rule prefers it';
  if (d.reason === 'policy' && policy?.model === model) return `the ${policy.strategy} strategy prefers it`;
  if (layer !== d.layer) return `escalation to the ${layer} layer`;
  if (reasons.length > 0) return reasons.join('; ');
  return policy ? 'ranked by expected utility' : 'ranked by the default policy';
}
