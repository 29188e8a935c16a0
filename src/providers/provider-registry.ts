import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ProviderInstance } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { loadProvider, PluginLoadError } from './plugin-loader';

export interface ProviderStatus {
  id: string;
  plugin: string;
  state: 'ready' | 'failed' | 'disabled';
  error?: string;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Loads every configured provider plugin at start (concurrently). A plugin that fails to load or
 * validate is logged and reported by name (ModelReadiness puts it in /health); the others keep working.
 */
@Injectable()
export class ProviderRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Providers');
  private readonly instances = new Map<string, ProviderInstance>();
  private readonly status = new Map<string, ProviderStatus>();
  private readonly params = new Map<string, ReadonlySet<string>>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    await Promise.all(this.config.providers.map((p) => this.load(p)));
    const ready = [...this.status.values()].filter((s) => s.state === 'ready').length;
    this.logger.log(`${ready} of ${this.config.providers.length} providers ready`);
  }

  /**
   * Config reload: providers whose entry changed (or that are new) are loaded anew and swapped in; removed
   * and replaced instances are closed after `graceMs`, so that calls in flight on them (retries included)
   * finish first. Unchanged providers keep their instance and connections.
   */
  async reload(next: GatewayConfig['providers'], graceMs: number): Promise<string[]> {
    const before = new Map(this.config.providers.map((p) => [p.id, JSON.stringify(p)]));
    const changed = next.filter((p) => before.get(p.id) !== JSON.stringify(p));
    const kept = new Set(next.map((p) => p.id));
    const retired: ProviderInstance[] = [];
    for (const id of [...this.status.keys()])
      if (!kept.has(id)) {
        const old = this.instances.get(id);
        if (old) retired.push(old);
        [this.instances, this.params, this.status].forEach((m) => m.delete(id));
      }
    for (const cfg of changed) {
      const old = this.instances.get(cfg.id);
      if (old) retired.push(old);
      this.instances.delete(cfg.id);
      await this.load(cfg);
    }
    this.config.providers = next;
    if (retired.length > 0) setTimeout(() => void this.closeAll(retired), graceMs).unref();
    return [...changed.map((p) => p.id), ...[...before.keys()].filter((id) => !kept.has(id))];
  }

  private async closeAll(instances: ProviderInstance[]): Promise<void> {
    for (const instance of instances)
      await Promise.resolve(instance.close?.()).catch((err: Error) =>
        this.logger.warn(`closing a provider: ${err.message}`),
      );
  }

  private async load(cfg: GatewayConfig['providers'][number]): Promise<void> {
    if (!cfg.enabled) {
      this.status.set(cfg.id, { id: cfg.id, plugin: cfg.plugin, state: 'disabled' });
      return;
    }
    try {
      const loaded = await loadProvider(cfg);
      this.instances.set(cfg.id, loaded.instance);
      this.params.set(cfg.id, new Set(loaded.instance.supportedParams ?? []));
      this.status.set(cfg.id, { id: cfg.id, plugin: cfg.plugin, state: 'ready' });
    } catch (err) {
      const message =
        err instanceof PluginLoadError
          ? err.message
          : `provider "${cfg.id}" (plugin "${cfg.plugin}") failed: ${(err as Error).message}`;
      this.logger.error(message);
      this.status.set(cfg.id, { id: cfg.id, plugin: cfg.plugin, state: 'failed', error: message });
    }
  }

  /** The ready instance, or undefined when the provider failed to load or is disabled. */
  get(id: string): ProviderInstance | undefined {
    return this.instances.get(id);
  }

  /** The optional request parameters the provider declares (ProviderInstance.supportedParams); none when not ready. */
  supportedParams(id: string): ReadonlySet<string> {
    return this.params.get(id) ?? NONE;
  }

  isReady(id: string): boolean {
    return this.instances.has(id);
  }

  statuses(): ProviderStatus[] {
    return [...this.status.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    const closing = [...this.instances.entries()].map(async ([id, instance]) => {
      try {
        await instance.close?.();
      } catch (err) {
        this.logger.warn(`closing provider "${id}" failed: ${(err as Error).message}`);
      }
    });
    this.instances.clear();
    await Promise.all(closing);
  }
}
