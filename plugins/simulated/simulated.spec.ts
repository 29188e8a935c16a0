import {
  collectStream,
  isProviderError,
  type ChatDelta,
  type ChatRequest,
  type PluginContext,
} from '@ai-mcp-gateway/provider-sdk';
import { runConformanceSuite } from '@ai-mcp-gateway/provider-sdk/testing';
import simulated from './index';
import { argumentsFor } from './tools';

const model = (over: Record<string, unknown> = {}) => ({
  id: 'sim-fast',
  quality: { default: 0.7, coding: 0.4 },
  latencyMs: { p50: 200, p99: 900 },
  ...over,
});
const baseOptions = {
  seed: 7,
  latencyScale: 0,
  models: [model(), model({ id: 'sim-deep', quality: { default: 0.95 } })],
};

runConformanceSuite({
  plugin: simulated,
  options: baseOptions,
  model: 'sim-fast',
  deterministic: true,
  slowOptions: { seed: 1, latencyScale: 1, models: [model({ latencyMs: { p50: 5000, p99: 6000 } })] },
  invalidOptions: [
    { models: [] },
    { models: [model({ quality: { coding: 0.5 } })] },
    { models: [model({ quality: { default: 1.5 } })] },
    { models: [model({ latencyMs: { p50: 900, p99: 200 } })] },
    { models: [model({ failureRate: 2 })] },
    { models: [model(), model()] },
    { seed: 1.5, models: [model()] },
    { models: [model()], unknownKey: true },
  ],
  selfFaults: [
    {
      name: 'failureRate 1 with the default kind',
      options: { latencyScale: 0, models: [model({ failureRate: 1 })] },
      kind: 'upstream',
    },
    {
      name: 'failureRate 1 as rate limiting',
      options: { latencyScale: 0, models: [model({ failureRate: 1, failureKind: 'rate_limited' })] },
      kind: 'rate_limited',
    },
    {
      name: 'a prompt beyond the context window',
      options: { latencyScale: 0, models: [model({ contextWindow: 5 })] },
      kind: 'bad_request',
    },
  ],
});

const ctx: PluginContext = {
  providerId: 'sim',
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  env: () => undefined,
};
const call = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const req = (taskType?: string, content = 'Write a function that adds two numbers.'): ChatRequest => ({
  model: 'sim-fast',
  messages: [{ role: 'user', content }],
  hints: taskType ? { taskType } : undefined,
});

async function instance(options: unknown) {
  return simulated.create(simulated.optionsSchema.parse(options), ctx);
}

/** Runs n requests and returns what a simulation harness would record of them. */
async function run(options: unknown, n: number, taskType?: string) {
  const p = await instance(options);
  const out: Array<{ correct: unknown; content: string | null; failed?: string }> = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await p.chat(req(taskType), call());
      out.push({ correct: (res.providerMetadata?.simulated as { correct: boolean }).correct, content: res.content });
    } catch (err) {
      out.push({ correct: undefined, content: null, failed: isProviderError(err) ? err.kind : 'raw' });
    }
  }
  return out;
}

describe('simulated plugin', () => {
  it('is deterministic: the same seed and requests give the same results', async () => {
    const opts = { ...baseOptions, models: [model({ failureRate: 0.2 })] };
    expect(await run(opts, 50)).toEqual(await run(opts, 50));
  });

  it('gives different results for a different seed', async () => {
    const a = await run({ ...baseOptions, seed: 1 }, 50);
    const b = await run({ ...baseOptions, seed: 2 }, 50);
    expect(a.map((r) => r.correct)).not.toEqual(b.map((r) => r.correct));
  });

  it('draws correctness with the quality of the task type, falling back to default', async () => {
    const rate = (rows: Array<{ correct: unknown }>) => rows.filter((r) => r.correct === true).length / rows.length;
    const coding = rate(await run(baseOptions, 2000, 'coding'));
    const other = rate(await run(baseOptions, 2000, 'poetry'));
    expect(Math.abs(coding - 0.4)).toBeLessThan(0.04);
    expect(Math.abs(other - 0.7)).toBeLessThan(0.04);
  });

  it('fails at the configured rate with ProviderErrors of the configured kind', async () => {
    const rows = await run({ ...baseOptions, models: [model({ failureRate: 0.3, failureKind: 'timeout' })] }, 2000);
    const failed = rows.filter((r) => r.failed);
    expect(Math.abs(failed.length / rows.length - 0.3)).toBeLessThan(0.04);
    expect(new Set(failed.map((r) => r.failed))).toEqual(new Set(['timeout']));
  });

  it('reports ground truth, names the model in the answer and estimates usage', async () => {
    const p = await instance(baseOptions);
    const res = await p.chat(req('coding'), call());
    expect(res.providerMetadata?.simulated).toEqual(
      expect.objectContaining({ taskType: 'coding', correct: expect.any(Boolean) }),
    );
    expect(res.content).toContain('sim-fast');
    expect(res.usage.completionTokens).toBe(Math.ceil((res.content ?? '').length / 4));
    const untyped = await p.chat(req(), call());
    expect((untyped.providerMetadata?.simulated as { taskType: string }).taskType).toBe('default');
  });

  it('draws latency from a lognormal with the configured p50 and p99', async () => {
    const p = await instance({ ...baseOptions, models: [model({ latencyMs: { p50: 100, p99: 1000 } })] });
    const lat: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const res = await p.chat(req(), call());
      lat.push((res.providerMetadata?.simulated as { latencyMs: number }).latencyMs);
    }
    lat.sort((a, b) => a - b);
    expect(lat[1500]).toBeGreaterThan(85);
    expect(lat[1500]).toBeLessThan(115);
    expect(lat[2970]).toBeGreaterThan(700);
    expect(lat[2970]).toBeLessThan(1400);
  });

  it('sleeps the drawn latency times latencyScale', async () => {
    const p = await instance({ seed: 3, latencyScale: 0.5, models: [model({ latencyMs: { p50: 400, p99: 401 } })] });
    const t0 = performance.now();
    await p.chat(req(), call());
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThan(180);
    expect(ms).toBeLessThan(1000);
  });

  it('truncates at max_tokens with finishReason length, in chat and stream alike', async () => {
    const opts = { ...baseOptions, models: [model({ outputTokens: 200 })] };
    const res = await (await instance(opts)).chat({ ...req(), max_tokens: 10 }, call());
    expect(res.finishReason).toBe('length');
    expect(res.usage.completionTokens).toBeLessThanOrEqual(10);
    const streamed = await collectStream((await instance(opts)).chatStream({ ...req(), max_tokens: 10 }, call()));
    expect(streamed.content).toBe(res.content);
    expect(streamed.finishReason).toBe('length');
    expect(streamed.providerMetadata).toEqual(res.providerMetadata);
  });

  it('refuses an unknown model with not_found', async () => {
    const p = await instance(baseOptions);
    await expect(p.chat({ ...req(), model: 'nope' }, call())).rejects.toMatchObject({ kind: 'not_found' });
  });

  it("keeps per-model sequences apart: traffic to one model does not change another one's draws", async () => {
    const a = await instance(baseOptions);
    const b = await instance(baseOptions);
    await b.chat({ ...req(), model: 'sim-deep' }, call());
    const ra = await a.chat(req(), call());
    const rb = await b.chat(req(), call());
    expect(rb.content).toBe(ra.content);
    expect(rb.providerMetadata).toEqual(ra.providerMetadata);
  });
});

describe('simulated plugin: tools, stop sequences and images', () => {
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer' } },
        required: ['city', 'unit'],
      },
    },
  };
  const search = { type: 'function' as const, function: { name: 'searchFlights' } };
  const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    ...req(undefined, content),
    tools: [weather, search],
    ...extra,
  });

  it('auto calls the tools whose names share a word with the prompt, with arguments built from their schemas', async () => {
    const p = await instance(baseOptions);
    const res = await p.chat(ask('Weather in Paris, then find flights to Rome'), call());
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toBeNull();
    expect(res.toolCalls?.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris', unit: 'c' }],
      ['searchFlights', {}],
    ]);
    expect(res.usage.completionTokens).toBeGreaterThan(0);
    const one = await p.chat(ask('Weather in Paris, then find flights', { parallel_tool_calls: false }), call());
    expect(one.toolCalls).toHaveLength(1);
  });

  it('answers in text when no tool matches, under tool_choice none, and after a tool result', async () => {
    const p = await instance(baseOptions);
    expect((await p.chat(ask('Tell me a joke'), call())).toolCalls).toBeUndefined();
    expect((await p.chat(ask('Weather in Paris?', { tool_choice: 'none' }), call())).toolCalls).toBeUndefined();
    const first = await p.chat(ask('Weather in Paris?'), call());
    const after = await p.chat(
      ask('Weather in Paris?', {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: first.toolCalls },
          { role: 'tool', tool_call_id: first.toolCalls![0].id, content: '{"celsius":19}' },
        ],
      }),
      call(),
    );
    expect(after.finishReason).toBe('stop');
    expect(after.content).toContain('The tool get_weather returned "{"celsius":19}".');
  });

  it('required calls the best match (else the first tool); a named choice that is not in tools is bad_request', async () => {
    const p = await instance(baseOptions);
    const required = await p.chat(ask('Tell me a joke', { tool_choice: 'required' }), call());
    expect(required.toolCalls?.map((c) => c.function.name)).toEqual(['get_weather']);
    const named = ask('x', { tool_choice: { type: 'function', function: { name: 'nope' } } });
    await expect(p.chat(named, call())).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('is deterministic and streams the same tool calls, id and name first', async () => {
    const a = await (await instance(baseOptions)).chat(ask('Weather in Oslo?'), call());
    const deltas: ChatDelta[] = [];
    for await (const d of (await instance(baseOptions)).chatStream(ask('Weather in Oslo?'), call())) deltas.push(d);
    const merged = await collectStream(
      // eslint-disable-next-line @typescript-eslint/require-await -- replays collected deltas as a stream
      (async function* () {
        yield* deltas;
      })(),
    );
    expect(merged.toolCalls).toEqual(a.toolCalls);
    expect(merged.finishReason).toBe('tool_calls');
    expect(deltas[0].toolCalls?.[0]).toMatchObject({
      index: 0,
      id: a.toolCalls![0].id,
      function: { name: 'get_weather' },
    });
  });

  it('builds arguments from enum, default, const, minimum, booleans, arrays, nested objects and anyOf', () => {
    const schema = {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'slow'] },
        n: { type: 'integer', minimum: 3 },
        ratio: { type: 'number', maximum: 0.5 },
        on: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        where: { type: 'object', properties: { lat: { type: 'number', default: 48.8 } }, required: ['lat'] },
        either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
        fixed: { const: 'x' },
        skipped: { type: 'string' },
      },
      required: ['mode', 'n', 'ratio', 'on', 'tags', 'where', 'either', 'fixed'],
    };
    expect(argumentsFor(schema, 'Book a table at Chez Paul')).toEqual({
      mode: 'fast',
      n: 3,
      ratio: 0.5,
      on: true,
      tags: ['Chez'],
      where: { lat: 48.8 },
      either: 1,
      fixed: 'x',
    });
    expect(argumentsFor({ type: 'object', properties: { q: { type: 'string' } } }, 'search for cats')).toEqual({
      q: 'search for cats',
    });
    expect(argumentsFor(undefined, 'x')).toEqual({});
  });

  it('ends the answer before the first stop sequence, reported as such; max_tokens still applies', async () => {
    const opts = { ...baseOptions, models: [model({ outputTokens: 200 })] };
    const full = (await (await instance(opts)).chat(req(), call())).content ?? '';
    const stops = ['Regarding', '[sim'];
    const res = await (await instance(opts)).chat({ ...req(), stop: stops }, call());
    expect(res).toMatchObject({ content: '', finishReason: 'stop', stopSequence: '[sim' });
    const later = await (await instance(opts)).chat({ ...req(), stop: ['Regarding'] }, call());
    expect(later.content).toBe(full.slice(0, full.indexOf('Regarding')));
    expect(later.stopSequence).toBe('Regarding');
    const streamed = await collectStream((await instance(opts)).chatStream({ ...req(), stop: ['Regarding'] }, call()));
    expect(streamed).toMatchObject({ content: later.content, stopSequence: 'Regarding', finishReason: 'stop' });
    const budget = await (await instance(opts)).chat({ ...req(), stop: ['zzz'], max_completion_tokens: 5 }, call());
    expect(budget).toMatchObject({ finishReason: 'length' });
    expect(budget.stopSequence).toBeUndefined();
  });

  it('describes the images it is shown', async () => {
    const res = await (
      await instance(baseOptions)
    ).chat(
      {
        model: 'sim-fast',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAAAAAA' } },
              { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
            ],
          },
        ],
      },
      call(),
    );
    expect(res.content).toContain(
      'Regarding "Compare these": I see 2 images (image/png, 6 bytes; https://example.com/b.jpg).',
    );
  });
});
