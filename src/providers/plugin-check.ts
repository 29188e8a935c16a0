import type { ProviderPlugin } from '@ai-mcp-gateway/provider-sdk';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { PROJECT_ROOT } from '../common/app-info';
import { ConfigError, formatKeyPath } from '../config/config.loader';
import type { GatewayConfig, ProviderConfig } from '../config/config.schema';
import { importPlugin, PluginLoadError, resolvePluginSpecifier } from './plugin-loader';

/** The plugin folders of the installation (what a bare `plugin:` name can be). */
export function knownPlugins(): string[] {
  const root = join(PROJECT_ROOT, 'plugins');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
}

/** Whether a package name can be imported from here (an ESM-only package refuses require but exists). */
function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

function unknownPlugin(name: string): string {
  return `unknown plugin "${name}": not a folder in plugins/ (${knownPlugins().join(', ') || 'none'}) nor an installed npm package`;
}

function describeOptionIssue(issue: z.core.$ZodIssue, plugin: ProviderPlugin): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const shape = (plugin.optionsSchema as unknown as { shape?: Record<string, unknown> }).shape;
  const known = shape && issue.path.length === 0 ? Object.keys(shape) : [];
  const key = issue.keys[0];
  if (/^api[_-]?key$/i.test(key) && known.includes('apiKeyEnv'))
    return `unknown key "${key}": a key never goes in the config file; name the environment variable that holds it with apiKeyEnv (e.g. apiKeyEnv: OPENAI_API_KEY)`;
  const keys = issue.keys.map((k) => `"${k}"`).join(', ');
  return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${known.length ? ` (known: ${known.join(', ')})` : ''}`;
}

/** The one-line config error for a provider whose plugin cannot be found, is not a plugin, or refuses its options. */
async function checkProvider(cfg: ProviderConfig, at: string, file: string): Promise<void> {
  const configDir = dirname(file);
  const isPackageName = (() => {
    try {
      return resolvePluginSpecifier(cfg.plugin, configDir) === cfg.plugin;
    } catch {
      return false;
    }
  })();
  if (isPackageName && !isInstalled(cfg.plugin)) throw new ConfigError(file, `${at}.plugin`, unknownPlugin(cfg.plugin));
  let plugin: ProviderPlugin;
  try {
    plugin = await importPlugin(cfg, configDir);
  } catch (err) {
    // A module that fails while loading is a broken plugin: the registry reports it in /health, as at run time.
    if (err instanceof PluginLoadError && err.stage === 'import') return;
    throw new ConfigError(file, `${at}.plugin`, err instanceof PluginLoadError ? err.reason : (err as Error).message);
  }
  const parsed = plugin.optionsSchema.safeParse(cfg.options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(file, formatKeyPath([at, 'options', ...issue.path]), describeOptionIssue(issue, plugin));
  }
}

/**
 * The configuration checks that need the plugins, before anything opens the database: an unknown
 * plugin name, a module that is not a plugin, or options its schema refuses stop the start with a
 * ConfigError naming the file, the key path and the reason. Disabled providers are not checked.
 */
export async function checkProviderPlugins(config: GatewayConfig, file: string): Promise<void> {
  for (const [i, provider] of config.providers.entries())
    if (provider.enabled) await checkProvider(provider, `providers[${i}]`, file);
}
