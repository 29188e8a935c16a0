import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { HeuristicsService } from '../heuristics/heuristics.service';
import { MatchedRule, RuleMatcher } from '../heuristics/rule-matcher';
import { ModelCatalogue } from '../providers/model-catalogue';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { PerformanceSnapshot } from './performance-snapshot';
import type { ExecutorService } from './executor.service';
import { DefaultModelPolicy } from './model-policy';
import { RouterService } from './router.service';
import { HTTP_STATUS, NotFoundError } from '../errors';
import type { OutcomeReporter } from './outcome-reporter';

const price = { input: 1, output: 1 };
const config: GatewayConfig = gatewayConfigSchema.parse({
  providers: [{ id: 'p', plugin: 'simulated' }],
  models: [
    { id: 'f1', provider: 'p', layer: 'fast', price: { input: 0.1, output: 0.1 } },
    { id: 'b1', provider: 'p', layer: 'balanced', price: { input: 2, output: 2 } },
    { id: 'b2', provider: 'p', layer: 'balanced', price: { input: 1, output: 1 }, strengths: ['coding'] },
    { id: 'd1', provider: 'p', layer: 'deep', price, contextWindow: 100000 },
  ],
});

function router(
  rules: MatchedRule[],
  stats: Record<string, { calls: number; successes: number }> = {},
  escalate = true,
) {
  const cfg = { ...config, routing: { ...config.routing, escalate } };
  const catalogue = new ModelCatalogue(cfg);
  const heuristics = {
    getMatcher: () => Promise.resolve(RuleMatcher.compile(rules, 1)),
  } as unknown as HeuristicsService;
  const snapshot = {
    version: 1,
    get: (m: string) => (stats[m] ? { ...stats[m], latencySumMs: 0, costSum: 0 } : undefined),
  } as unknown as PerformanceSnapshot;
  const policy = new DefaultModelPolicy(snapshot, cfg);
  const providers = { supportedParams: () => new Set<string>() } as unknown as ProviderRegistry;
  return new RouterService(cfg, catalogue, heuristics, policy, {} as ExecutorService, {} as OutcomeReporter, providers);
}

const req = (content: string, model = 'auto') => ({
  requestId: 'r1',
  model,
  messages: [{ role: 'user' as const, content }],
  params: {},
  stream: false,
});

describe('RouterService.decide', () => {
  it('without rules: layer from the classifier, candidates ranked and escalated', async () => {
    const d = await router([]).decide(req('hello there'));
    expect(d).toMatchObject({ taskType: 'chat', layer: 'fast', reason: 'classifier', rule: null });
    expect(d.candidates.map((m) => m.id)).toEqual(['f1', 'b2', 'b1', 'd1']);
    expect(d.estimatedCost).toBeGreaterThan(0);
  });

  it('the first matching rule by priority decides the layer, and its model goes first', async () => {
    const rules: MatchedRule[] = [
      { id: 7, pattern: 'invoice', preferredLayer: 'deep', preferredModel: null, priority: 10 },
      { id: 3, pattern: 'hello', preferredLayer: 'balanced', preferredModel: 'b1', priority: 5 },
    ];
    const d = await router(rules).decide(req('hello, about my invoice'));
    expect(d).toMatchObject({ layer: 'deep', reason: 'rule', rule: { id: 7 } });
    const d2 = await router(rules).decide(req('HELLO'));
    expect(d2).toMatchObject({ layer: 'balanced', rule: { id: 3 } });
    expect(d2.candidates.map((m) => m.id)).toEqual(['b1', 'b2', 'd1']);
  });

  it('rules do not apply to an explicit layer or model', async () => {
    const rules: MatchedRule[] = [{ id: 1, pattern: '.', preferredLayer: 'deep', preferredModel: null, priority: 1 }];
    expect(await router(rules).decide(req('hi', 'fast'))).toMatchObject({ layer: 'fast', rule: null, reason: 'layer' });
    const d = await router(rules).decide(req('hi', 'b1'));
    expect(d).toMatchObject({ layer: 'balanced', reason: 'model' });
    expect(d.candidates.map((m) => m.id)).toEqual(['b1']);
  });

  it('an unknown model is a 404 naming the model param', async () => {
    await expect(router([]).decide(req('hi', 'gpt-9'))).rejects.toMatchObject({
      kind: 'not_found',
      code: 'model_not_found',
      param: 'model',
    });
    await expect(router([]).decide(req('hi', 'gpt-9'))).rejects.toBeInstanceOf(NotFoundError);
    expect(HTTP_STATUS.not_found).toBe(404);
  });

  it('the default policy prefers proven models and demotes failing ones', async () => {
    const d = await router([], { b2: { calls: 100, successes: 20 }, b1: { calls: 100, successes: 99 } }).decide(
      req('x', 'balanced'),
    );
    expect(d.candidates.map((m) => m.id)).toEqual(['b1', 'b2', 'd1']);
  });

  it('without escalation only the layer is tried; models too small for the prompt are left out', async () => {
    const d = await router([], {}, false).decide(req('x', 'fast'));
    expect(d.candidates.map((m) => m.id)).toEqual(['f1']);
    const big = await router([]).decide(req('word '.repeat(40000), 'balanced'));
    expect(big.candidates.map((m) => m.id)).toEqual(['d1']);
  });
});
