import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { gatewayConfigSchema } from '../config/config.schema';
import type { HeuristicsService } from '../heuristics/heuristics.service';
import { RuleMatcher } from '../heuristics/rule-matcher';
import { ModelCatalogue } from '../providers/model-catalogue';
import type { ProviderRegistry } from '../providers/provider-registry';
import { needsOf, paramsFor } from './eligibility';
import type { ExecutorService } from './executor.service';
import { DefaultModelPolicy } from './model-policy';
import type { OutcomeReporter } from './outcome-reporter';
import type { PerformanceSnapshot } from './performance-snapshot';
import { RouterService } from './router.service';
import type { ChatParams } from './routing.types';

const price = { input: 1, output: 1 };
const config = gatewayConfigSchema.parse({
  providers: [
    { id: 'oa', plugin: 'openai-compatible' },
    { id: 'an', plugin: 'anthropic' },
  ],
  models: [
    { id: 'small', provider: 'oa', layer: 'fast', price, contextWindow: 2000 },
    { id: 'eyes', provider: 'oa', layer: 'balanced', price, contextWindow: 4000, vision: true },
    { id: 'claude', provider: 'an', layer: 'deep', price, contextWindow: 8000, vision: true },
  ],
  aliases: { 'claude-*': 'deep', 'gpt-*': 'small' },
  routing: { escalate: false },
});
const PARAMS: Record<string, string[]> = {
  oa: ['logprobs', 'presence_penalty', 'user', 'max_completion_tokens'],
  an: ['user', 'top_k'],
};

function router(): RouterService {
  const heuristics = { getMatcher: () => Promise.resolve(RuleMatcher.compile([], 1)) } as unknown as HeuristicsService;
  const snapshot = { version: 1, get: () => undefined } as unknown as PerformanceSnapshot;
  const providers = { supportedParams: (id: string) => new Set(PARAMS[id] ?? []) } as unknown as ProviderRegistry;
  const catalogue = new ModelCatalogue(config);
  const policy = new DefaultModelPolicy(snapshot, config);
  return new RouterService(
    config,
    catalogue,
    heuristics,
    policy,
    {} as ExecutorService,
    {} as OutcomeReporter,
    providers,
  );
}

const image: ChatMessage = {
  role: 'user',
  content: [
    { type: 'text', text: 'what is it?' },
    { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
  ],
};
const req = (model: string, params: ChatParams = {}, messages: ChatMessage[] = [{ role: 'user', content: 'hi' }]) => ({
  requestId: 'r',
  model,
  messages,
  params,
  stream: false,
});
const ids = async (r: Promise<{ candidates: readonly { id: string }[] }>) => (await r).candidates.map((m) => m.id);

describe('which models can serve a request', () => {
  it('needsOf: images, and the optional parameters set (logprobs: false and max_completion_tokens ask for nothing)', () => {
    expect(needsOf([image], { logprobs: false, max_completion_tokens: 5, temperature: 1 }, 10)).toEqual({
      promptTokens: 10,
      images: true,
      params: [],
    });
    expect(needsOf([{ role: 'user', content: 'x' }], { logprobs: true, user: 'u', top_k: 3 }, 1).params).toEqual([
      'logprobs',
      'top_k',
      'user',
    ]);
  });

  it('paramsFor: max_completion_tokens stays for a provider that takes it, else becomes max_tokens', () => {
    const params: ChatParams = { max_completion_tokens: 50, temperature: 0.2 };
    expect(paramsFor(params, new Set(['max_completion_tokens']))).toBe(params);
    expect(paramsFor(params, new Set())).toEqual({ max_tokens: 50, temperature: 0.2 });
    expect(paramsFor({ max_completion_tokens: 50, max_tokens: 20 }, new Set())).toEqual({ max_tokens: 20 });
  });

  it('a request with images goes only to vision models, outside its layer when its layer has none', async () => {
    expect(await ids(router().decide(req('fast', {}, [image])))).toEqual(['eyes', 'claude']);
    expect(await ids(router().decide(req('deep', {}, [image])))).toEqual(['claude']);
    await expect(router().decide(req('small', {}, [image]))).rejects.toMatchObject({
      kind: 'invalid_input',
      code: 'images_not_supported',
      param: 'messages',
      message: 'The model "small" does not accept images (vision is not set for it in the catalogue).',
    });
  });

  it('an optional parameter goes only to models whose provider takes it; a named model that cannot is a 400 naming it', async () => {
    expect(await ids(router().decide(req('deep', { presence_penalty: 1 })))).toEqual(['small', 'eyes']);
    await expect(router().decide(req('claude', { logprobs: true }))).rejects.toMatchObject({
      code: 'unsupported_parameter',
      param: 'logprobs',
    });
    await expect(router().decide(req('auto', { logit_bias: { 1: 2 } }))).rejects.toMatchObject({
      code: 'unsupported_parameter',
      param: 'logit_bias',
      message:
        'The request cannot be served: logit_bias is set, and no model of the catalogue can honour it (no provider takes it).',
    });
    const mixed = router().decide(req('auto', { logprobs: true, top_k: 2 }));
    await expect(mixed).rejects.toMatchObject({ code: 'unsupported_parameter' });
    await expect(mixed).rejects.toThrow('no model meets every need of this request: small cannot honour top_k');
  });

  it('the context window: bigger models when the layer is too small, a 400 when none fits, named models included', async () => {
    const long = [{ role: 'user' as const, content: 'word '.repeat(4000) }];
    expect(await ids(router().decide(req('fast', {}, long)))).toEqual(['claude']);
    const named = router().decide(req('eyes', {}, long));
    await expect(named).rejects.toMatchObject({ code: 'context_length_exceeded' });
    await expect(named).rejects.toThrow('The model "eyes" has a context window of 4000 tokens');
    const huge = [{ role: 'user' as const, content: 'word '.repeat(9000) }];
    const none = router().decide(req('auto', {}, huge));
    await expect(none).rejects.toMatchObject({ kind: 'invalid_input', code: 'context_length_exceeded' });
    await expect(none).rejects.toThrow('more than the context window of every model (the largest, claude, takes 8000)');
  });

  it("an empty catalogue is left to the executor (503 no_available_model), not refused as the request's fault", async () => {
    const empty = gatewayConfigSchema.parse({ routing: { escalate: false } });
    const heuristics = {
      getMatcher: () => Promise.resolve(RuleMatcher.compile([], 1)),
    } as unknown as HeuristicsService;
    const snapshot = { version: 1, get: () => undefined } as unknown as PerformanceSnapshot;
    const bare = new RouterService(
      empty,
      new ModelCatalogue(empty),
      heuristics,
      new DefaultModelPolicy(snapshot, empty),
      {} as ExecutorService,
      {} as OutcomeReporter,
      { supportedParams: () => new Set<string>() } as unknown as ProviderRegistry,
    );
    expect((await bare.decide(req('auto', {}, [image]))).candidates).toEqual([]);
  });

  it('tool definitions count towards the prompt', async () => {
    const tools = [
      { type: 'function' as const, function: { name: 'f', parameters: { description: 'x'.repeat(10000) } } },
    ];
    expect(await ids(router().decide(req('fast', {})))).toEqual(['small']);
    expect(await ids(router().decide(req('fast', { tools })))).toEqual(['eyes', 'claude']);
  });

  it('aliases route names the catalogue does not have; catalogue ids, layers and auto win over them', async () => {
    expect(await router().decide(req('claude-sonnet-4-5'))).toMatchObject({ layer: 'deep', reason: 'layer' });
    expect(await router().decide(req('gpt-4o-mini'))).toMatchObject({ reason: 'model', candidates: [{ id: 'small' }] });
    expect(await router().decide(req('claude'))).toMatchObject({ reason: 'model', candidates: [{ id: 'claude' }] });
    await expect(router().decide(req('mistral-large'))).rejects.toMatchObject({ code: 'model_not_found' });
  });
});
