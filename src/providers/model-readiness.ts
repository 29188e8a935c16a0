import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Gauge } from 'prom-client';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig, ProviderConfig } from '../config/config.schema';
import { HealthService } from '../observability/health.service';
import { MetricsService } from '../observability/metrics.service';
import type { CatalogueModel } from './model-catalogue';
import { ModelCatalogue } from './model-catalogue';
import { ProviderRegistry } from './provider-registry';
import { probeProvider, ProbeResult } from './provider-probe';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Whether a provider can serve, and why not. */
export interface ProviderReadiness {
  id: string;
  plugin: string;
  state: 'ready' | 'failed' | 'disabled';
  ready: boolean;
  /** `missing`: options.apiKeyEnv names an unset variable; `none`: the provider takes no key. */
  apiKey: 'present' | 'missing' | 'none';
  lastProbe: ProbeResult | null;
  reasons: string[];
  error?: string;
}

/** Whether a model can serve now: its provider, its listing by the provider, its circuit breaker. */
export interface ModelReadinessState {
  id: string;
  provider: string;
  ready: boolean;
  breaker: BreakerState;
  reasons: string[];
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
/** The first probe at start is awaited this long at most (a slow remote must not hold the start). */
const START_PROBE_WAIT_MS = 3000;

/**
 * The truth about readiness: per provider (loaded, API key present, last probe: health check and model
 * listing) and per model (its provider ready, listed by it, circuit breaker not open). Probes run at
 * start and every health.probeIntervalMs; breaker states come from the executor (useBreakers). Feeds
 * /health, list_models, /v1/models and the gauges gateway_model_ready and gateway_model_breaker_state.
 */
@Injectable()
export class ModelReadiness implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Readiness');
  private readonly probes = new Map<string, ProbeResult>();
  private breakers: (modelId: string) => BreakerState = () => 'closed';
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly registry: ProviderRegistry,
    private readonly catalogue: ModelCatalogue,
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.health.register('providers', () => this.healthSection());
    this.registerGauges();
  }

  /** After every module's init: the registry has loaded the plugins by then. */
  async onApplicationBootstrap(): Promise<void> {
    for (const p of this.providers()) if (p.apiKey === 'missing') this.logger.error(p.reasons.join('; '));
    const first = this.probeAll().then(() => this.logProblems());
    await Promise.race([first, new Promise((r) => setTimeout(r, START_PROBE_WAIT_MS).unref())]);
    const every = this.config.health.probeIntervalMs;
    if (every > 0) {
      this.timer = setInterval(() => void this.probeAll(), every);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The executor's breakers (routing owns them; this module only reads their state). */
  useBreakers(peek: (modelId: string) => BreakerState): void {
    this.breakers = peek;
  }

  /** Probes every loaded provider now (concurrent calls share one round). */
  probeAll(): Promise<void> {
    this.probing ??= Promise.all(
      this.config.providers.map(async (p) => {
        const instance = this.registry.get(p.id);
        if (instance) this.probes.set(p.id, await probeProvider(instance));
      }),
    )
      .then(() => undefined)
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  providers(): ProviderReadiness[] {
    return this.registry.statuses().map((s) => {
      const cfg = this.config.providers.find((p) => p.id === s.id);
      const apiKey = cfg ? apiKeyState(cfg) : 'none';
      const probe = this.probes.get(s.id) ?? null;
      const reasons: string[] = [];
      if (s.state === 'failed') reasons.push(s.error ?? `provider "${s.id}" failed to load`);
      if (s.state === 'disabled') reasons.push(`provider "${s.id}" is disabled in the config`);
      if (apiKey === 'missing')
        reasons.push(`provider "${s.id}": the API key variable ${String(cfg?.options.apiKeyEnv)} is not set`);
      if (s.state === 'ready' && probe && !probe.ok)
        reasons.push(`provider "${s.id}": the last probe failed (${probe.detail ?? 'no detail'})`);
      return { ...s, ready: reasons.length === 0, apiKey, lastProbe: probe, reasons };
    });
  }

  models(): ModelReadinessState[] {
    const providers = new Map(this.providers().map((p) => [p.id, p]));
    return this.catalogue.all().map((m) => this.modelState(m, providers.get(m.provider)));
  }

  model(id: string): ModelReadinessState | undefined {
    const m = this.catalogue.get(id);
    return m
      ? this.modelState(
          m,
          this.providers().find((p) => p.id === m.provider),
        )
      : undefined;
  }

  private modelState(m: CatalogueModel, provider: ProviderReadiness | undefined): ModelReadinessState {
    const breaker = this.breakers(m.id);
    const reasons: string[] = [];
    if (!provider) reasons.push(`provider "${m.provider}" is not configured`);
    else if (!provider.ready) reasons.push(`provider "${m.provider}" is not ready`);
    const listed = provider?.lastProbe?.models;
    if (listed && !listed.includes(m.upstreamModel))
      reasons.push(
        `provider "${m.provider}" does not serve "${m.upstreamModel}" (it lists ${listed.slice(0, 10).join(', ') || 'no model'})`,
      );
    if (breaker === 'open') reasons.push(`the circuit breaker of ${m.id} is open`);
    return { id: m.id, provider: m.provider, ready: reasons.length === 0, breaker, reasons };
  }

  private healthSection(): Record<string, unknown> {
    const providers = this.providers();
    const models = this.models();
    const reasons = [
      ...providers.flatMap((p) => p.reasons),
      ...models.flatMap((m) => m.reasons.filter((r) => !r.includes('is not ready')).map((r) => `model ${m.id}: ${r}`)),
    ];
    return { degraded: reasons.length > 0, reasons, providers, models };
  }

  private logProblems(): void {
    for (const p of this.providers())
      if (p.lastProbe && !p.lastProbe.ok)
        this.logger.warn(`provider "${p.id}" failed its first probe: ${p.lastProbe.detail}`);
    for (const m of this.models())
      for (const reason of m.reasons)
        if (reason.includes('does not serve')) this.logger.error(`model "${m.id}" cannot be served: ${reason}`);
  }

  private registerGauges(): void {
    const registry = this.metrics.registry;
    if (registry.getSingleMetric('gateway_model_ready')) return;
    const models = () => this.models();
    new Gauge({
      name: 'gateway_model_ready',
      help: 'Whether a model can serve now (1) or not (0): provider loaded, key present, last probe ok, listed, breaker not open',
      labelNames: ['model', 'provider'],
      registers: [registry],
      collect() {
        for (const m of models()) this.set({ model: m.id, provider: m.provider }, m.ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gateway_model_breaker_state',
      help: 'Circuit breaker of a model: 0 closed, 1 half-open (one trial call allowed), 2 open',
      labelNames: ['model'],
      registers: [registry],
      collect() {
        for (const m of models()) this.set({ model: m.id }, BREAKER_VALUE[m.breaker]);
      },
    });
    const providers = () => this.providers();
    new Gauge({
      name: 'gateway_provider_ready',
      help: 'Whether a provider can serve (1) or not (0): loaded, key present, last probe ok',
      labelNames: ['provider'],
      registers: [registry],
      collect() {
        for (const p of providers()) this.set({ provider: p.id }, p.ready ? 1 : 0);
      },
    });
  }
}

/** A provider whose options name an API key variable (apiKeyEnv, as the SDK's HTTP plugins read it). */
function apiKeyState(cfg: ProviderConfig): ProviderReadiness['apiKey'] {
  const name = cfg.options.apiKeyEnv;
  if (typeof name !== 'string' || name.length === 0) return 'none';
  const value = process.env[name];
  return value !== undefined && value.trim().length > 0 ? 'present' : 'missing';
}
