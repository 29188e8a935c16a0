/**
 * The processes the gateway benchmarks start: the fake upstream, the bare proxy (the floor) and the
 * real gateway (`node dist/src/main.js`, LOG_LEVEL=warn, temporary DATA_DIR and config).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { PROJECT_ROOT } from '../src/common/app-info';
import { BENCH_MODELS } from './fake-upstream';
import { arg, Child, flag, freePort, numberArg, spawnNode, waitUntil } from './lib';

export const MODEL = BENCH_MODELS[0];
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** The 156-byte chat request of the figures; `stream` asks for an event stream. */
export function chatBody(stream = false): string {
  return JSON.stringify({
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello in one short sentence.' },
    ],
    max_tokens: 32,
    ...(stream ? { stream: true } : {}),
  });
}

/** The embedded database's settings a run may change (config `database.*`; unset: the gateway's defaults). */
export interface PgliteSettings {
  /** database.pgliteLowMemory: PGlite's WebAssembly on V8's baseline compiler only (less RSS, slower queries). */
  pgliteLowMemory?: boolean;
  /** database.pgliteThread: PGlite in a worker thread (the default) or, false, on the event loop. */
  pgliteThread?: boolean;
  /** database.pgliteSharedBuffersMb: Postgres's shared_buffers in PGlite. */
  pgliteSharedBuffersMb?: number;
}

/**
 * The embedded database's settings from the command line (unset: the gateway's defaults): --pglite-compiler
 * baseline|optimizing (database.pgliteLowMemory true|false), --pglite-on-loop, --pglite-shared-buffers MB.
 */
export function pgliteSettingsArgs(): PgliteSettings {
  const compiler = arg('pglite-compiler', '');
  if (!['', 'baseline', 'optimizing'].includes(compiler))
    throw new Error(`--pglite-compiler must be baseline or optimizing, not ${compiler}`);
  return {
    pgliteLowMemory: compiler ? compiler === 'baseline' : undefined,
    pgliteThread: !flag('pglite-on-loop'),
    pgliteSharedBuffersMb: arg('pglite-shared-buffers', '')
      ? numberArg('pglite-shared-buffers', 16, 1, 999)
      : undefined,
  };
}

export function gatewayConfig(upstreamUrl: string, database: PgliteSettings = {}): string {
  // YAML is a superset of JSON.
  const config = {
    server: { host: '127.0.0.1', port: 3000 },
    logLevel: 'warn',
    database,
    providers: [
      {
        id: 'bench',
        plugin: 'openai-compatible',
        options: { baseUrl: `${upstreamUrl}/v1`, models: [...BENCH_MODELS], maxConnections: 128 },
      },
    ],
    models: [
      { id: 'bench-fast', provider: 'bench', layer: 'fast', price: { input: 0.15, output: 0.6 }, contextWindow: 16384 },
      {
        id: 'bench-balanced',
        provider: 'bench',
        layer: 'balanced',
        price: { input: 1, output: 4 },
        contextWindow: 65536,
      },
      { id: 'bench-deep', provider: 'bench', layer: 'deep', price: { input: 5, output: 20 }, contextWindow: 200000 },
    ],
    // Recording exactly as the default config has it (batches of 200, flushed every second).
    recording: { batchSize: 200, flushIntervalMs: 1000, retentionDays: 30, redactContent: true },
    // The optimizer is a cron job off the request path; kept out so a 15-minute tick cannot land inside a phase.
    optimizer: { enabled: false },
    // The default 600/min per caller would refuse almost all of the load; the limiter itself still runs.
    security: { rateLimit: { requestsPerMinute: 100_000_000 } },
  };
  return JSON.stringify(config, null, 2);
}

/** The environment of the bench's children: none of the caller's database, Redis or config settings. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.GATEWAY_CONFIG;
  delete env.WORKERS;
  return env;
}

/** A bench script in its own process, ready once it prints `listening on URL`. */
async function startListening(script: string, args: string[], what: string): Promise<{ child: Child; url: string }> {
  const child = spawnNode([join(PROJECT_ROOT, 'dist/bench', script), ...args], baseEnv(), PROJECT_ROOT);
  const url = await waitUntil(
    () => Promise.resolve(child.output().match(/listening on (http:\/\/[^\s]+)/)?.[1]),
    10_000,
    what,
    child,
  );
  return { child, url };
}

export function startUpstream(): Promise<{ child: Child; url: string }> {
  return startListening('fake-upstream.js', ['0'], 'the fake upstream');
}

/** The floor: node:http in front of an undici Pool to the upstream, nothing else (bench/bare-proxy.ts). */
export function startBareProxy(upstreamUrl: string): Promise<{ child: Child; url: string }> {
  return startListening('bare-proxy.js', [upstreamUrl], 'the bare proxy');
}

export interface GatewayOptions extends PgliteSettings {
  upstreamUrl: string;
  /** A temporary folder for the config and the PGlite data. */
  work: string;
  databaseUrl?: string;
  workers?: number;
  /** Runs the gateway under `node --cpu-prof`, the profile written there. */
  profileDir?: string;
}

export async function startGateway(o: GatewayOptions): Promise<{ child: Child; url: string; dataDir: string }> {
  const dataDir = join(o.work, 'data');
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(o.work, 'gateway.yaml');
  writeFileSync(
    configFile,
    gatewayConfig(o.upstreamUrl, {
      pgliteLowMemory: o.pgliteLowMemory,
      pgliteThread: o.pgliteThread,
      pgliteSharedBuffersMb: o.pgliteSharedBuffersMb,
    }),
  );
  const port = await freePort();
  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  const child = spawnNode(
    [...nodeArgs, join(PROJECT_ROOT, 'dist/src/main.js')],
    {
      ...baseEnv(),
      GATEWAY_CONFIG: configFile,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
      ...(o.workers && o.workers > 1 ? { WORKERS: String(o.workers) } : {}),
    },
    PROJECT_ROOT,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => ((await request(`${url}/health`)).statusCode < 500 ? true : undefined),
    60_000,
    'the gateway to answer /health',
    child,
  );
  return { child, url, dataDir };
}
