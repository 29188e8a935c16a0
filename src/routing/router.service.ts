import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { estimatePromptTokens, textOf, type ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { BudgetHold, BudgetsService } from '../budgets/budgets.service';
import { TracingService } from '../observability/tracing/tracing.service';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig, LAYERS, LayerName } from '../config/config.schema';
import { HeuristicsService } from '../heuristics/heuristics.service';
import type { MatchedRule, RuleMatcher } from '../heuristics/rule-matcher';
import { CatalogueModel, ModelCatalogue } from '../providers/model-catalogue';
import { ProviderRegistry } from '../providers/provider-registry';
import { classify, layerFor } from './classifier';
import { Candidates } from './candidates';
import { needsOf, ParamSupport, RequestNeeds, shortfall } from './eligibility';
import { ModelAliases } from './model-aliases';
import { CachedAnswers, type ChatSession } from './cached-answers';
import { AttemptCall, ExecutorService } from './executor.service';
import { MODEL_POLICY, ModelPolicy, type PolicyExplanation } from './model-policy';
import { OutcomeReporter } from './outcome-reporter';
import { routingError } from './routing.errors';
import type { RouteDecision, RouteRequest, RouteResult } from './routing.types';
import { StreamSession, type StreamStart } from './stream-session';
import { decisionAttributes, requestAttributes } from './trace-attributes';

/** The text rules and the classifier look at: the last user message (else the last message). */
export function promptOf(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return textOf(messages[i].content);
  return messages.length ? textOf(messages[messages.length - 1].content) : '';
}

/**
 * Decides where a request goes (rules, classifier, policy) and runs it through the executor,
 * handing every outcome to the OutcomeReporter. No database access on this path: the rule matcher
 * and the performance snapshot are in-memory caches.
 */
@Injectable()
export class RouterService {
  private readonly logger = new Logger('Router');
  private aliases: ModelAliases;
  private readonly support: ParamSupport;
  private readonly candidates: Candidates;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly catalogue: ModelCatalogue,
    private readonly heuristics: HeuristicsService,
    @Inject(MODEL_POLICY) private readonly policy: ModelPolicy,
    private readonly executor: ExecutorService,
    private readonly outcomes: OutcomeReporter,
    providers: ProviderRegistry,
    @Optional() private readonly tracing?: TracingService,
    @Optional() private readonly cached?: CachedAnswers,
    @Optional() private readonly budgets?: BudgetsService,
  ) {
    this.aliases = new ModelAliases(config.aliases);
    this.support = (id) => providers.supportedParams(id);
    this.candidates = new Candidates(catalogue, policy, this.support, config.routing.escalate);
  }

  /**
   * Where the request goes. The model may also be a name of the config's `aliases`. Only models that can
   * serve the request are candidates: its prompt fits their context window, they accept its images, their
   * provider takes its optional parameters.
   * @throws NotFoundError (code model_not_found, param `model`) for a model that is neither auto, a layer nor in the catalogue
   * @throws InvalidInputError (codes context_length_exceeded, images_not_supported, unsupported_parameter) when the
   *   named model, or no model at all, can serve the request
   */
  async decide(req: RouteRequest): Promise<RouteDecision> {
    if (!this.tracing?.enabled) return this.resolve(req);
    req.trace ??= this.tracing.startRequest(req.model || 'auto', requestAttributes(req));
    try {
      const decision = await this.resolve(req);
      req.trace?.decided(performance.now() - decision.decisionUs / 1000, decisionAttributes(decision));
      return decision;
    } catch (err) {
      req.trace?.failed((err as { code?: string }).code ?? 'error', (err as Error).message);
      throw err;
    }
  }

  /**
   * The decision decide() would take, with the policy's side of it, without side effects: the learned
   * policy reports its expectation instead of drawing (no random number is used), nothing is called or
   * recorded. For explain_route and the console.
   * @throws NotFoundError as decide
   */
  async explain(req: RouteRequest): Promise<{ decision: RouteDecision; policy?: PolicyExplanation }> {
    const explained: { policy?: PolicyExplanation } = {};
    const decision = await this.resolve(req, explained);
    // A rule or a requested layer decided: the policy's estimates still rank the candidates.
    explained.policy ??= this.policy.explain?.(decision.taskType, decision.layer, req.requestId);
    return { decision, policy: explained.policy };
  }

  /** decide(), or explain() when `explained` is given (the policy then explains instead of choosing). */
  private async resolve(req: RouteRequest, explained?: { policy?: PolicyExplanation }): Promise<RouteDecision> {
    const started = performance.now();
    const prompt = promptOf(req.messages);
    const promptTokens = estimatePromptTokens(req.messages, req.params.tools);
    const c = classify(prompt, promptTokens, req.taskType);
    const needs = needsOf(req.messages, req.params, promptTokens);
    const requested = this.resolveModelName(req.model || 'auto');
    let layer: LayerName;
    let rule: MatchedRule | null = null;
    let reason: RouteDecision['reason'];
    let candidates: readonly CatalogueModel[];
    let strategyArm: string | null = null;
    let objective: string | undefined;
    if (requested === 'auto') {
      rule = (await this.matcher())?.match(prompt) ?? null;
      layer = rule ? rule.preferredLayer : layerFor(c);
      reason = rule ? 'rule' : 'classifier';
      let preferred = rule?.preferredModel ?? undefined;
      if (!rule && (explained ? this.policy.explain !== undefined : this.policy.choose !== undefined)) {
        const choice = explained
          ? (explained.policy = this.policy.explain!(c.taskType, layer, req.requestId))
          : this.policy.choose!(c.taskType, layer, req.requestId, {
              messages: req.messages,
              promptTokens,
              maxTokens: req.params.max_completion_tokens ?? req.params.max_tokens,
              qualityFloor: req.qualityFloor,
              nearBudget: this.budgets?.isNearLimit(req.keyId),
            });
        ({ layer, model: preferred, arm: strategyArm, objective } = choice);
        reason = 'policy';
      }
      candidates = this.candidates.of(layer, c.taskType, needs, preferred);
    } else if ((LAYERS as readonly string[]).includes(requested)) {
      layer = requested as LayerName;
      reason = 'layer';
      candidates = this.candidates.of(layer, c.taskType, needs);
    } else {
      const model = this.named(requested, needs);
      layer = model.layer;
      reason = 'model';
      candidates = [model];
    }
    const first = candidates[0];
    return {
      requestId: req.requestId,
      requested,
      taskType: c.taskType,
      size: c.size,
      promptTokens,
      layer,
      rule,
      reason,
      strategyArm,
      objective,
      candidates,
      estimatedCost: first ? this.catalogue.estimateCost(first, promptTokens, req.params.max_tokens) : 0,
      decisionUs: Math.round((performance.now() - started) * 1000),
    };
  }

  /**
   * Routes a non-streaming request to an answer: from the response cache when it holds the answer of
   * this cacheable request (req.cache), else from a model (and kept when cacheable).
   * @throws NotFoundError as decide (when no decision is given)
   * @throws UpstreamError (upstream_error), TimeoutError (deadline_exceeded, upstream_timeout),
   *   UnavailableError (no_available_model, circuit_open), InvalidInputError (upstream_bad_request),
   *   CancelledError (client_closed): the request got no answer, and is recorded as such
   */
  async execute(req: RouteRequest, decision?: RouteDecision): Promise<RouteResult> {
    const d = decision ?? (await this.decide(req));
    const hit = await this.cached?.answer(req, d);
    if (hit) return hit;
    const hold = await this.reserve(req, d);
    const exec = await this.executor.run(d, req, (instance, request, options) => instance.chat(request, options));
    if (!exec.ok) {
      await hold.settle(0);
      throw this.outcomes.failed(d, req, exec);
    }
    exec.attempt.dispose();
    exec.request.dispose();
    const response = exec.value;
    const cost = this.catalogue.cost(exec.model, response.usage);
    // Charged before the answer is returned: a client that has its answer sees it in its spend.
    await hold.settle(cost);
    exec.calls.push({ modelId: exec.model.id, success: true, latencyMs: exec.attemptMs, cost });
    const latencyMs = exec.request.elapsedMs();
    this.outcomes.answered(d, req, exec, response.usage, cost, latencyMs, response);
    this.cached?.keep(req, exec.model, response);
    return {
      decision: d,
      model: exec.model,
      response,
      usage: response.usage,
      attempts: exec.attempts,
      cost,
      latencyMs,
    };
  }

  /**
   * Opens a stream: a replay of the cached answer on a hit; else resolves once a model has produced its
   * first delta (failures before it are retried and fall back like any call), with a session that yields
   * every delta and records the end.
   * @throws the same errors as execute, for a stream that never produced its first delta
   */
  async stream(req: RouteRequest, decision?: RouteDecision): Promise<ChatSession> {
    const d = decision ?? (await this.decide(req));
    const hit = await this.cached?.replay(req, d);
    if (hit) return hit;
    const hold = await this.reserve(req, d);
    const exec = await this.executor.run<StreamStart>(d, req, openStream);
    if (!exec.ok) {
      await hold.settle(0);
      throw this.outcomes.failed(d, req, exec);
    }
    this.outcomes.streamOpened(d, req, exec);
    const keeper = this.cached?.keeper(req, exec.model);
    return new StreamSession(d, req, exec, this.catalogue, this.outcomes, keeper, hold);
  }

  /** After a config reload: the aliases and escalation of the new file, rankings computed anew. */
  reloaded(): void {
    this.aliases = new ModelAliases(this.config.aliases);
    this.candidates.reload(this.config.routing.escalate);
  }

  /** The budget hook of every chat door: reserves the estimate before any upstream call (BudgetExceededError). */
  private async reserve(req: RouteRequest, d: RouteDecision): Promise<BudgetHold> {
    try {
      return (await this.budgets?.reserve(req.keyId, d.estimatedCost)) ?? NO_HOLD;
    } catch (err) {
      req.trace?.failed((err as { code?: string }).code ?? 'error', (err as Error).message);
      throw err;
    }
  }

  private async matcher(): Promise<RuleMatcher | undefined> {
    try {
      return await this.heuristics.getMatcher();
    } catch (err) {
      this.logger.warn(`routing rules are unavailable (${(err as Error).message}); routing by task type`);
      return undefined;
    }
  }

  /**
   * The catalogue model a request names, if it can serve the request.
   * @throws NotFoundError (model_not_found), InvalidInputError (the need it misses)
   */
  private named(requested: string, needs: RequestNeeds): CatalogueModel {
    const model = this.catalogue.get(requested);
    if (!model)
      throw routingError(
        'model_not_found',
        this.catalogue.embedding(requested)
          ? `The model "${requested}" is an embedding model: send it to POST /v1/embeddings.`
          : `The model "${requested}" does not exist; use "auto", a layer (${LAYERS.join(', ')}) or a model from GET /v1/models.`,
        { param: 'model' },
      );
    const miss = shortfall(model, needs, this.support);
    if (miss) throw routingError(miss.code, `The model "${model.id}" ${miss.reason}.`, { param: miss.param });
    return model;
  }

  /** auto, a layer or a catalogue id as they are; any other name through the aliases (unknown names stay). */
  private resolveModelName(name: string): string {
    if (name === 'auto' || (LAYERS as readonly string[]).includes(name) || this.catalogue.get(name)) return name;
    return this.aliases.resolve(name) ?? name;
  }
}

const NO_HOLD: BudgetHold = { settle: () => Promise.resolve() };

/** One stream attempt: open the provider's stream and wait for its first delta. */
const openStream: AttemptCall<StreamStart> = async (instance, request, options) => {
  const iterator = instance.chatStream(request, options)[Symbol.asyncIterator]();
  try {
    return { iterator, first: await iterator.next() };
  } catch (err) {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
    throw err;
  }
};
