import { Logger } from '@nestjs/common';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { PluginContext, PluginLogger, ProviderInstance, ProviderPlugin } from '@ai-mcp-gateway/provider-sdk';
import { PROJECT_ROOT } from '../common/app-info';
import type { ProviderConfig } from '../config/config.schema';
import { resolveConfigPath } from '../config/config.loader';

/** Why a configured provider is not available; reported by name in logs and /health. */
export class PluginLoadError extends Error {
  constructor(
    readonly providerId: string,
    readonly plugin: string,
    readonly stage: 'resolve' | 'import' | 'contract' | 'options' | 'create',
    readonly reason: string,
  ) {
    super(`provider "${providerId}" (plugin "${plugin}") failed at ${stage}: ${reason}`);
    this.name = 'PluginLoadError';
  }
}

/** Compiled (dist/) or run from source (ts-jest, ts-node): decides which plugin file to import. */
const RUNNING_COMPILED = extname(__filename) === '.js';
const EXTENSIONS = RUNNING_COMPILED ? ['.js'] : ['.ts', '.js'];

/**
 * The file to import from a plugin folder. A workspace plugin's package.json names its compiled entry
 * (main: dist/index.js): the compiled gateway imports that; run from source, the folder's index.ts.
 */
function entryOfDirectory(dir: string): string | undefined {
  const candidates: string[] = RUNNING_COMPILED ? [] : ['index'];
  const pkgFile = join(dir, 'package.json');
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: string }).main;
    if (main) candidates.push(main.replace(/\.(ts|js)$/, ''));
  }
  candidates.push('index');
  for (const base of candidates)
    for (const ext of EXTENSIONS) if (existsSync(join(dir, base + ext))) return join(dir, base + ext);
  if (RUNNING_COMPILED && existsSync(join(dir, 'index.ts')))
    throw new Error(`${dir} holds TypeScript sources but no compiled entry: run npm run build`);
  return undefined;
}

function entryOf(path: string): string | undefined {
  if (!existsSync(path)) {
    for (const ext of ['.js', '.ts']) if (existsSync(path + ext)) return path + ext;
    return undefined;
  }
  return statSync(path).isDirectory() ? entryOfDirectory(path) : path;
}

/**
 * Where a `providers[].plugin` value points:
 * - a bare folder name (no slash): plugins/<name> under the project root (its compiled dist/ when compiled);
 * - a path (./, ../ or /): relative to the config file's folder, else to the working directory;
 * - anything else (e.g. @scope/pkg, some-package): an npm package, imported by name.
 */
export function resolvePluginSpecifier(plugin: string, configDir = dirname(resolveConfigPath())): string {
  const isPath = plugin.startsWith('./') || plugin.startsWith('../') || isAbsolute(plugin);
  if (isPath) {
    const bases = isAbsolute(plugin) ? [''] : [configDir, process.cwd()];
    for (const base of bases) {
      const entry = entryOf(base ? resolve(base, plugin) : plugin);
      if (entry) return entry;
    }
    throw new Error(`no plugin found at ${plugin} (looked relative to ${bases.filter(Boolean).join(' and ') || '/'})`);
  }
  if (/^[a-z0-9][a-z0-9_-]*$/i.test(plugin)) {
    const dir = join(PROJECT_ROOT, 'plugins', plugin);
    const entry = existsSync(dir) ? entryOfDirectory(dir) : undefined;
    if (entry) return entry;
  }
  // Not a local plugin folder: an npm package name.
  return plugin;
}

function looksLikePlugin(value: unknown): value is ProviderPlugin {
  const p = value as ProviderPlugin | undefined;
  return Boolean(
    p &&
    typeof p === 'object' &&
    typeof p.id === 'string' &&
    typeof p.create === 'function' &&
    p.optionsSchema &&
    typeof p.optionsSchema.safeParse === 'function',
  );
}

/** The plugin object out of a module namespace, whether it was compiled to CJS or written as ESM. */
export function pluginFromModule(mod: unknown): ProviderPlugin | undefined {
  const m = mod as { default?: unknown } | undefined;
  const candidates = [m?.default, (m?.default as { default?: unknown } | undefined)?.default, m];
  return candidates.find(looksLikePlugin);
}

function pluginLogger(providerId: string): PluginLogger {
  const logger = new Logger(`Provider:${providerId}`);
  const fmt = (msg: string, data?: Record<string, unknown>) => (data ? `${msg} ${JSON.stringify(data)}` : msg);
  return {
    debug: (msg, data) => logger.debug(fmt(msg, data)),
    info: (msg, data) => logger.log(fmt(msg, data)),
    warn: (msg, data) => logger.warn(fmt(msg, data)),
    error: (msg, data) => logger.error(fmt(msg, data)),
  };
}

export interface LoadedProvider {
  id: string;
  plugin: ProviderPlugin;
  instance: ProviderInstance;
}

/** Resolves and imports a provider's plugin module; a failure is a PluginLoadError (resolve, import or contract). */
export async function importPlugin(cfg: ProviderConfig, configDir?: string): Promise<ProviderPlugin> {
  const fail = (stage: PluginLoadError['stage'], reason: string) =>
    new PluginLoadError(cfg.id, cfg.plugin, stage, reason);
  let specifier: string;
  try {
    specifier = resolvePluginSpecifier(cfg.plugin, configDir);
  } catch (err) {
    throw fail('resolve', (err as Error).message);
  }
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (err) {
    throw fail('import', (err as Error).message.split('\n')[0]);
  }
  const plugin = pluginFromModule(mod);
  if (!plugin) throw fail('contract', 'the default export is not a provider plugin (id, optionsSchema, create)');
  return plugin;
}

/** Imports, validates and instantiates one configured provider; every failure is a PluginLoadError. */
export async function loadProvider(cfg: ProviderConfig, configDir?: string): Promise<LoadedProvider> {
  const plugin = await importPlugin(cfg, configDir);
  const parsed = plugin.optionsSchema.safeParse(cfg.options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.length ? `options.${issue.path.map(String).join('.')}` : 'options';
    throw new PluginLoadError(cfg.id, cfg.plugin, 'options', `${path}: ${issue.message}`);
  }
  const context: PluginContext = { providerId: cfg.id, logger: pluginLogger(cfg.id), env: (name) => process.env[name] };
  try {
    const instance = await plugin.create(parsed.data, context);
    return { id: cfg.id, plugin, instance };
  } catch (err) {
    throw new PluginLoadError(cfg.id, cfg.plugin, 'create', (err as Error).message);
  }
}
