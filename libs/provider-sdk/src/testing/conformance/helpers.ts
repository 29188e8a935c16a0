import { expect } from '@jest/globals';
import { isProviderError, type ProviderError, type ProviderErrorKind } from '../../errors';
import type {
  CallOptions,
  ChatRequest,
  PluginContext,
  PluginLogger,
  ProviderInstance,
  ProviderPlugin,
} from '../../types';

/** Everything the suite's tests share: how to build instances, and what they logged or threw. */
export class SuiteState {
  readonly logs: string[] = [];
  readonly errors: ProviderError[] = [];
  private readonly created: ProviderInstance[] = [];

  constructor(
    private readonly plugin: ProviderPlugin<unknown>,
    private readonly env: Record<string, string>,
  ) {}

  context(): PluginContext {
    const record = (level: string) => (msg: string, data?: Record<string, unknown>) => {
      this.logs.push(`${level} ${msg} ${data ? JSON.stringify(data) : ''}`);
    };
    const logger: PluginLogger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    return { providerId: `conformance-${this.plugin.id}`, logger, env: (name) => this.env[name] };
  }

  /** Validates raw options through the plugin's schema (as the gateway's loader does), then creates. */
  async instance(rawOptions: unknown): Promise<ProviderInstance> {
    const options = this.plugin.optionsSchema.parse(rawOptions);
    const instance = await this.plugin.create(options, this.context());
    this.created.push(instance);
    return instance;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.created.splice(0).map((i) => i.close?.() ?? Promise.resolve()));
  }

  /** Awaits a promise that must reject with a ProviderError of the given kind, and returns the error. */
  async expectKind(promise: Promise<unknown>, kind: ProviderErrorKind | ProviderErrorKind[]): Promise<ProviderError> {
    const outcome = await settle(() => promise);
    return this.checkKind(outcome, kind);
  }

  /** Checks that a settled call failed with a ProviderError of the given kind. */
  checkKind(outcome: Settled<unknown>, kind: ProviderErrorKind | ProviderErrorKind[]): ProviderError {
    if (outcome.ok) throw new Error(`expected a ProviderError (${String(kind)}), but the call succeeded`);
    const caught = outcome.error;
    if (!isProviderError(caught))
      throw new Error(`expected a ProviderError (${String(kind)}), got: ${String(caught)}`, { cause: caught });
    this.errors.push(caught);
    expect(Array.isArray(kind) ? kind : [kind]).toContain(caught.kind);
    return caught;
  }
}

export type Settled<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/** Runs fn and reports how it settled and how long it took, in ms. */
export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0 };
  }
}

export const TEST_MESSAGES: ChatRequest['messages'] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say hello to the conformance kit.' },
];

export function request(model: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model, messages: TEST_MESSAGES, max_tokens: 256, hints: { taskType: 'chat' }, ...extra };
}

export function callOptions(timeoutMs = 5000, signal: AbortSignal = new AbortController().signal): CallOptions {
  return { signal, timeoutMs };
}

/** Drains a stream; the promise rejects with whatever the stream threw. */
export async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
}

/** Aborts a fresh controller after ms, with an optional reason. */
export function abortAfter(ms: number, reason?: unknown): { signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason), ms);
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}
