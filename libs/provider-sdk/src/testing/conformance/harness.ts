import type { ProviderErrorKind } from '../../errors';
import type { FakeUpstream } from '../fake-upstream';
import type { ProviderInstance, ProviderPlugin } from '../../types';
import type { SuiteState } from './helpers';

export interface ConformanceSuiteOptions {
  plugin: ProviderPlugin<unknown>;
  /**
   * The plugin's options as written in config (the kit validates them with the plugin's schema), or a
   * factory that receives the fake upstream's root URL (http://127.0.0.1:PORT) and returns them.
   */
  options: unknown;
  /** A model id the plugin serves (and, for HTTP plugins, sends upstream). */
  model: string;
  /** Title of the describe() block. Default `conformance: <plugin id>`. */
  name?: string;
  /** What ctx.env returns. Values are treated as secrets: the kit fails if one shows up in a log or an error. */
  env?: Record<string, string>;
  /** HTTP plugins: the API the fake upstream must speak. Leave out for plugins without network. */
  upstream?: { dialect: 'openai' | 'anthropic' };
  /** More option objects the schema must refuse, besides the kit's own garbage. */
  invalidOptions?: unknown[];
  /** Set when equal options and equal requests give equal answers: chat and chatStream must then agree. */
  deterministic?: boolean;
  /** Set false for a plugin that does not carry tool calls (the kit then skips its tool-call tests). */
  tools?: boolean;
  /** Plugins without an upstream: options under which every call takes at least 3 s (deadline and abort tests). */
  slowOptions?: unknown;
  /** Plugins without an upstream: options under which calls fail on their own, and the kind they must fail with. */
  selfFaults?: Array<{ name: string; options: unknown; kind: ProviderErrorKind }>;
}

/** Live objects of a running suite, filled in by beforeAll. */
export interface Harness {
  cfg: ConformanceSuiteOptions;
  state: SuiteState;
  main: ProviderInstance;
  upstream?: FakeUpstream;
  /** Raw options for an upstream at url (the factory, or the static options). */
  optionsFor(url: string): unknown;
  /** An instance whose next chat call stalls for at least 3 s. */
  slowChat(): Promise<ProviderInstance>;
  /** An instance whose next stream starts, then stalls for at least 3 s. */
  slowStream(): Promise<ProviderInstance>;
}
