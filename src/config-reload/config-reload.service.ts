import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, GATEWAY_CONFIG_FILE } from '../config/config.module';
import { ConfigError, loadConfigFile } from '../config/config.loader';
import type { GatewayConfig } from '../config/config.schema';
import { InvalidInputError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import { checkProviderPlugins } from '../providers/plugin-check';
import { ProviderRegistry } from '../providers/provider-registry';
import { ResponseCacheService } from '../response-cache/response-cache.service';
import { RouterService } from '../routing/router.service';

/** Sections a reload applies to the running gateway. */
export const RELOADED_SECTIONS = ['providers', 'models', 'aliases', 'layers', 'routing', 'cache'] as const;
type Section = keyof GatewayConfig;

export interface ReloadResult {
  file: string;
  /** Reloaded sections whose content changed. */
  changed: string[];
  /** Providers loaded anew (changed, added or removed). */
  providers: string[];
  /** Sections that changed in the file but apply only at the next start. */
  restartRequired: string[];
}

/** Replaces `target`'s fields with `source`'s, recursing into objects: holders of a nested object see the new values. */
function assignInPlace(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) if (!(key in source)) delete target[key];
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    const nested = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (nested(current) && nested(value))
      assignInPlace(current as Record<string, unknown>, value as Record<string, unknown>);
    else target[key] = value;
  }
}

/**
 * Reloads the config file (SIGHUP, POST /admin/reload): validated exactly as at start (the same one-line
 * reason when refused, and then nothing changes); on success the providers, models and prices, aliases,
 * layers, routing and cache sections apply to the next request, while requests in flight finish with the
 * models and provider instances they started with. One reload at a time.
 */
@Injectable()
export class ConfigReloadService {
  private readonly logger = new Logger('ConfigReload');
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_CONFIG_FILE) private readonly file: string,
    private readonly catalogue: ModelCatalogue,
    private readonly providers: ProviderRegistry,
    private readonly router: RouterService,
    private readonly cache: ResponseCacheService,
  ) {}

  /**
   * @throws InvalidInputError (code invalid_config) with the file, key path and reason; the old config stays
   */
  reload(): Promise<ReloadResult> {
    const next = this.running.then(
      () => this.apply(),
      () => this.apply(),
    );
    this.running = next.catch(() => undefined);
    return next;
  }

  private async apply(): Promise<ReloadResult> {
    let next: GatewayConfig;
    try {
      next = loadConfigFile(this.file).config;
      await checkProviderPlugins(next, this.file);
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : `config reload failed: ${(err as Error).message}`;
      this.logger.error(`${message}; the running configuration is kept`);
      throw new InvalidInputError(message, { code: 'invalid_config' });
    }
    const differs = (s: Section) => JSON.stringify(this.config[s]) !== JSON.stringify(next[s]);
    const changed = RELOADED_SECTIONS.filter(differs);
    const restartRequired = (Object.keys(next) as Section[]).filter(
      (s) => !(RELOADED_SECTIONS as readonly string[]).includes(s) && differs(s),
    );
    const graceMs = Math.max(this.config.routing.deadlineMs, next.routing.deadlineMs) + 1000;
    const providers = await this.providers.reload(next.providers, graceMs);
    this.catalogue.reload(next.models);
    for (const section of RELOADED_SECTIONS)
      if (section !== 'providers')
        assignInPlace(this.config[section] as Record<string, unknown>, next[section] as Record<string, unknown>);
    this.config.providers = next.providers;
    this.router.reloaded();
    this.cache.reloaded();
    const result = { file: this.file, changed, providers, restartRequired };
    this.logger.log(
      `configuration reloaded from ${this.file}: ${changed.length ? changed.join(', ') : 'nothing'} changed` +
        (restartRequired.length ? `; ${restartRequired.join(', ')} apply at the next start` : ''),
    );
    return result;
  }
}
