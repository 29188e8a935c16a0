import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startFakeUpstream } from '../fake-upstream';
import type { ProviderInstance } from '../../types';
import { registerCoreTests } from './core';
import { registerDeadlineTests } from './deadline';
import type { ConformanceSuiteOptions, Harness } from './harness';
import { SuiteState, callOptions, drain, request } from './helpers';
import { registerHttpFaultTests } from './http-faults';
import { registerToolTests } from './tools';

export type { ConformanceSuiteOptions } from './harness';

function optionsFactory(cfg: ConformanceSuiteOptions): (url: string) => unknown {
  const options = cfg.options;
  return typeof options === 'function' ? (url) => (options as (u: string) => unknown)(url) : () => options;
}

function createHarness(cfg: ConformanceSuiteOptions): Harness {
  const state = new SuiteState(cfg.plugin, cfg.env ?? {});
  const optionsFor = optionsFactory(cfg);
  const h: Harness = {
    cfg,
    state,
    main: undefined as unknown as ProviderInstance,
    optionsFor,
    async slowChat() {
      if (!h.upstream) return state.instance(cfg.slowOptions);
      h.upstream.fail({ type: 'delay', ms: 5000 });
      return h.main;
    },
    async slowStream() {
      if (!h.upstream) return state.instance(cfg.slowOptions);
      h.upstream.fail({ type: 'slow_stream', eventDelayMs: 5000 });
      return h.main;
    },
  };
  return h;
}

function registerSelfFaultTests(h: Harness): void {
  for (const f of h.cfg.selfFaults ?? []) {
    it(`${f.name}: chat and chatStream fail with ${f.kind}`, async () => {
      const instance = await h.state.instance(f.options);
      await h.state.expectKind(instance.chat(request(h.cfg.model), callOptions()), f.kind);
      await h.state.expectKind(drain(instance.chatStream(request(h.cfg.model), callOptions())), f.kind);
    });
  }
}

/** Registered last: secrets from ctx.env must not leak into anything the plugin logged or threw. */
function registerSecretTest(h: Harness): void {
  const secrets = Object.values(h.cfg.env ?? {}).filter((v) => v.length >= 6);
  if (secrets.length === 0) return;
  it('never puts a secret from ctx.env into a log line or an error', () => {
    expect(h.state.errors.length).toBeGreaterThan(0);
    const seen = [
      ...h.state.logs,
      ...h.state.errors.map((e) => `${e.message} ${String((e.cause as Error | undefined)?.message ?? '')}`),
    ];
    for (const secret of secrets) expect(seen.filter((line) => line.includes(secret))).toEqual([]);
  });
}

/**
 * Registers a describe() block that checks a plugin against the provider contract: options
 * validation, listModels, chat, chatStream, tool calls, stop sequences and images, deadlines and aborts,
 * and - for HTTP plugins - how each
 * upstream fault played by a local fake upstream maps onto the error taxonomy. Call it at the top
 * level of a jest spec file.
 */
export function runConformanceSuite(cfg: ConformanceSuiteOptions): void {
  if (!cfg.upstream && cfg.slowOptions === undefined) {
    throw new Error(
      'runConformanceSuite: a plugin without an upstream must give slowOptions (calls that take at least 3 s)',
    );
  }
  const h = createHarness(cfg);
  describe(cfg.name ?? `conformance: ${cfg.plugin.id}`, () => {
    beforeAll(async () => {
      if (cfg.upstream) h.upstream = await startFakeUpstream({ models: [cfg.model, 'another-model'] });
      h.main = await h.state.instance(h.optionsFor(h.upstream?.url ?? ''));
    });
    afterAll(async () => {
      await h.state.closeAll();
      await h.upstream?.close();
    });
    beforeEach(() => h.upstream?.reset());

    describe('contract', () => registerCoreTests(h));
    describe('across formats', () => registerToolTests(h));
    describe('deadlines and aborts', () => registerDeadlineTests(h));
    if (cfg.upstream) describe('upstream faults', () => registerHttpFaultTests(h));
    if (cfg.selfFaults?.length) describe("the plugin's own fault injection", () => registerSelfFaultTests(h));
    registerSecretTest(h);
  });
}
