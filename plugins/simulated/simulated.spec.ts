import { collectStream, isProviderError, type ChatRequest, type PluginContext } from '@ai-mcp-gateway/provider-sdk';
import { runConformanceSuite } from '@ai-mcp-gateway/provider-sdk/testing';
import simulated, { type SimulatedOptions } from './index';

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
