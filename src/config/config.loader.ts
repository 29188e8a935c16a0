import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../common/app-info';
import { GatewayConfig, gatewayConfigSchema } from './config.schema';

/** A configuration problem: one line naming the file, the key path and the reason. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration in ${file}${keyPath ? ` at ${keyPath}` : ''}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  file: string;
  config: GatewayConfig;
}

/**
 * Defaults come from the installation, not the working directory: an MCP client such as Claude
 * Desktop starts the stdio entry from anywhere (often /).
 */
const DEFAULT_FILE = join(PROJECT_ROOT, 'config', 'gateway.yaml');
const DEFAULT_DATA_DIR = join(PROJECT_ROOT, 'data');
/** DATA_DIR value for an in-memory PGlite (tests); never a path. */
const IN_MEMORY = ':memory:';

/** GATEWAY_CONFIG (relative to the working directory, as a path typed in a shell is), else the installation's file. */
export function resolveConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.GATEWAY_CONFIG?.trim();
  if (!chosen) return DEFAULT_FILE;
  return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
}

/**
 * An absolute PGlite directory: DATA_DIR relative to the working directory; `database.dataDir` in a
 * file relative to that file's folder (as plugin paths are); by default data/ in the installation.
 */
function resolveDataDir(raw: { database?: { dataDir?: unknown } }, env: NodeJS.ProcessEnv, file: string): string {
  const absolute = (dir: string, base: string) => (dir === IN_MEMORY ? dir : resolve(base, dir));
  if (env.DATA_DIR) return absolute(env.DATA_DIR, process.cwd());
  const fromFile = raw.database?.dataDir;
  return typeof fromFile === 'string' ? absolute(fromFile, dirname(file)) : DEFAULT_DATA_DIR;
}

/** `providers[0].options.baseUrl`: the key path of a config value, as config errors name it. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function readYaml(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(file, '', 'file not found (set GATEWAY_CONFIG to a readable YAML file)');
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new ConfigError(file, where, `malformed YAML: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(file, '', 'the top level must be a mapping of keys');
  return value;
}

/** Env overrides win over the file; each is validated and named by its variable. */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  const section = (key: string): Record<string, unknown> => {
    if (out[key] === undefined || out[key] === null) out[key] = {};
    if (typeof out[key] !== 'object' || Array.isArray(out[key])) throw new ConfigError(file, key, 'expected a mapping');
    return out[key] as Record<string, unknown>;
  };
  if (env.HOST) section('server').host = env.HOST;
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError('environment', 'PORT', `"${env.PORT}" is not a port number (0-65535)`);
    section('server').port = port;
  }
  if (env.WORKERS !== undefined && env.WORKERS !== '') {
    const workers = Number(env.WORKERS);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      throw new ConfigError('environment', 'WORKERS', `"${env.WORKERS}" is not a number of workers (1-64)`);
    section('server').workers = workers;
  }
  if (env.DATABASE_URL) section('database').url = env.DATABASE_URL;
  if (env.DATA_DIR) section('database').dataDir = env.DATA_DIR;
  if (env.LOG_LEVEL) out.logLevel = env.LOG_LEVEL;
  return out;
}

export function parseConfig(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const withEnv = applyEnv(raw as Record<string, unknown>, env, file);
  const result = gatewayConfigSchema.safeParse(withEnv);
  if (result.success) {
    result.data.database.dataDir = resolveDataDir(raw as { database?: { dataDir?: unknown } }, env, file);
    return result.data;
  }
  const issue = result.error.issues[0];
  const keyPath = formatKeyPath(issue.path);
  const envKey = ENV_KEYS[keyPath];
  if (envKey && env[envKey]) throw new ConfigError('environment', envKey, describeIssue(issue));
  throw new ConfigError(file, keyPath, describeIssue(issue));
}

const ENV_KEYS: Record<string, string> = {
  'server.host': 'HOST',
  'server.workers': 'WORKERS',
  'database.url': 'DATABASE_URL',
  'database.dataDir': 'DATA_DIR',
  logLevel: 'LOG_LEVEL',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = resolveConfigPath(env);
  return loadConfigFile(file, env);
}

/** Reads and validates one file (with the env overrides); throws ConfigError with the one-line reason. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return { file, config: parseConfig(readYaml(file), file, env) };
}
