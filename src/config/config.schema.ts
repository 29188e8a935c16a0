import { z } from 'zod';
import { optimizerSchema } from './optimizer.schema';

/** Layers are ordered: escalation goes fast -> balanced -> deep. */
export const LAYERS = ['fast', 'balanced', 'deep'] as const;
export type LayerName = (typeof LAYERS)[number];

const providerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only'),
  /** A folder name in plugins/, a path (./ or /) or an npm package name. */
  plugin: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
});

const modelSchema = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  /** Name of the model at the provider; defaults to id. */
  upstreamModel: z.string().min(1).optional(),
  /** `embedding`: served on POST /v1/embeddings only (no layer needed); `chat` (default): routed chat. */
  kind: z.enum(['chat', 'embedding']).optional(),
  /** Required for chat models. */
  layer: z.enum(LAYERS).optional(),
  /** USD per million tokens (an embedding model's output price is unused). */
  price: priceSchema,
  contextWindow: z.number().int().positive().default(8192),
  /** Task types this model is known to be good at (a prior for the policy). */
  strengths: z.array(z.string()).default([]),
  /** Accepts images: requests with images are routed only to such models. Default false. */
  vision: z.boolean().optional(),
});

/** A model name clients send (e.g. Claude Code's claude-sonnet-4-5) -> auto, a layer or a catalogue id; `*` matches any text. */
const aliasesSchema = z.record(z.string().min(1).max(200), z.string().min(1)).default({});

const layerSchema = z.strictObject({
  description: z.string().default(''),
  /** Per-attempt timeout for models of this layer. */
  timeoutMs: z.number().int().positive().default(30000),
});

const routingSchema = z.strictObject({
  deadlineMs: z.number().int().positive().default(60000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  backoffBaseMs: z.number().int().min(0).default(100),
  backoffMaxMs: z.number().int().min(0).default(5000),
  escalate: z.boolean().default(true),
  breaker: z
    .strictObject({
      failureThreshold: z.number().int().positive().default(5),
      cooldownMs: z.number().int().positive().default(30000),
    })
    .prefault({}),
});

const recordingSchema = z.strictObject({
  batchSize: z.number().int().positive().default(200),
  flushIntervalMs: z.number().int().positive().default(1000),
  retentionDays: z.number().int().positive().default(30),
  maxBuffered: z.number().int().positive().default(100000),
  redactContent: z.boolean().default(true),
});

const bodySize = z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 1mb or 512kb');

const securitySchema = z.strictObject({
  bodyLimit: bodySize.default('1mb'),
  /** The chat doors' (/v1/chat/completions, /v1/messages): conversations with images and long agent sessions. */
  chatBodyLimit: bodySize.default('32mb'),
  allowedHosts: z.array(z.string()).default(['localhost', '127.0.0.1', '[::1]']),
  allowedOrigins: z.array(z.string()).default([]),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int().positive().default(600),
      /** Shared buckets across replicas; the REDIS_URL environment variable is used when this is unset. */
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
        .optional(),
      /** Prefix of the Redis keys holding the buckets (replicas of one gateway share it). */
      keyPrefix: z.string().min(1).max(100).default('gw:rl:'),
    })
    .prefault({}),
  maxPatternLength: z.number().int().positive().default(1000),
  maxJsonFieldBytes: z.number().int().positive().default(65536),
  /**
   * Serve without keys on loopback. Unset: open only while no key was ever created; once one existed,
   * revoking every key refuses requests instead of opening the gateway again.
   */
  open: z.boolean().optional(),
});

/** Exact-match answers of deterministic chat requests (temperature 0, or `x-gateway-cache: use`). */
const cacheSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How long an answer is served again. */
  ttlSeconds: z.number().int().positive().default(600),
  /** Answers kept in memory (least recently used dropped first); with Redis, its maxmemory policy bounds the size. */
  maxEntries: z.number().int().positive().default(1000),
  /** Shares the answers across replicas; the REDIS_URL environment variable is used when this is unset. */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** Prefix of the Redis keys holding the answers. */
  keyPrefix: z.string().min(1).max(100).default('gw:cache:'),
});

const healthSchema = z.strictObject({
  /** How often each provider is probed (health check and model listing); 0: only at start. */
  probeIntervalMs: z.number().int().min(0).default(60_000),
});

const usd = z.number().positive().max(1_000_000);

const regressionSchema = z.strictObject({
  /** Replays per run (tool, CLI or after an optimizer run) and per day (UTC), across replicas. */
  maxPerRun: z.number().int().positive().max(1000).default(20),
  maxPerDay: z.number().int().positive().default(200),
});

const budgetsSchema = z.strictObject({
  /** USD limits for callers without a key (a gateway that runs open on loopback); per-key budgets are set by tool or CLI. */
  global: z.strictObject({ day: usd.optional(), month: usd.optional(), total: usd.optional() }).prefault({}),
  /**
   * Near a budget (spent at least `share` of a limit), the learned policy routes that caller more cheaply
   * until the period ends: a quality floor in force drops by `floorStep`; the cost-weight objective's
   * costWeight is multiplied by `costWeightFactor`.
   */
  nearLimit: z
    .strictObject({
      share: z.number().gt(0).max(1).default(0.8),
      floorStep: z.number().min(0).max(1).default(0.05),
      costWeightFactor: z.number().min(1).max(100).default(2),
    })
    .prefault({}),
});

const alertsSchema = z.strictObject({
  /** Where alert events are POSTed as JSON; unset: alerts are only kept in the table (get_alerts). */
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** One event per kind and subject within this time. */
  cooldownMs: z.number().int().positive().default(3_600_000),
  /** How often each replica compares every model's recent calls with its own trailing baseline. */
  checkIntervalMs: z.number().int().positive().default(10_000),
  /** The recent window, and the trailing baseline before it. */
  windowMs: z.number().int().positive().default(60_000),
  baselineMs: z.number().int().positive().default(1_800_000),
  /** Calls a window needs before it is judged (the baseline too; with fewer, a perfect baseline is assumed). */
  minSamples: z.number().int().positive().default(10),
  /** Alert when the window's success rate is this much (absolute) below the baseline's. */
  successDrop: z.number().gt(0).max(1).default(0.2),
  /** Alert when the window's p95 latency is this many times the baseline's. */
  latencyFactor: z.number().gt(1).default(2),
  /** The judge's grades of each model (optimizer.judge): alert when the recent mean drops by scoreDrop. */
  judge: z
    .strictObject({
      windowMs: z.number().int().positive().default(900_000),
      baselineMs: z.number().int().positive().default(21_600_000),
      minSamples: z.number().int().positive().default(20),
      scoreDrop: z.number().gt(0).max(1).default(0.15),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      timeoutMs: z.number().int().positive().default(5000),
      maxAttempts: z.number().int().positive().default(20),
      backoffBaseMs: z.number().int().positive().default(1000),
      backoffMaxMs: z.number().int().positive().default(300_000),
      pollMs: z.number().int().positive().default(1000),
    })
    .prefault({}),
});

const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(3000),
  /** Gateway processes sharing the port (node:cluster); more than 1 needs PostgreSQL (env WORKERS). Default 1. */
  workers: z.number().int().min(1).max(64).optional(),
});

/** PGlite's shared_buffers by default (database.pgliteSharedBuffersMb); tests open PGlite with it too. */
export const DEFAULT_PGLITE_SHARED_BUFFERS_MB = 16;

export const gatewayConfigSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    database: z
      .strictObject({
        url: z.string().url().optional(),
        /** Made absolute by the loader (DATA_DIR: from the working directory; the file: from its folder). */
        dataDir: z.string().min(1).default('data'),
        /**
         * PGlite: V8 compiles its WebAssembly with the baseline compiler only: ~50 MB less RSS at idle (179
         * against 222-302 MB), but slower statements (an aggregate over 96,000 rows 121 against 64 ms, a
         * 200-row insert 15% slower). Unset: on when PGlite runs in its own thread (pgliteThread, the default),
         * where statements do not hold up requests; off on the event loop.
         */
        pgliteLowMemory: z.boolean().optional(),
        /**
         * PGlite: Postgres's shared_buffers in MB. PGlite 0.3 has 128 MB built in, zero-filled at start (RSS);
         * the gateway's statements are small inserts and indexed reads, and the OS caches the files anyway.
         */
        pgliteSharedBuffersMb: z.number().int().min(1).max(999).default(DEFAULT_PGLITE_SHARED_BUFFERS_MB),
        /**
         * PGlite runs in a worker thread (default): its statements never hold the event loop. On 2 cores at
         * 1,000 req/s the p99 over direct went from 17-26 ms to 4-7 ms, the maximum rate stayed (4,200-4,800
         * req/s either way), for about 25% more CPU per request (messages). false: on the event loop, in
         * chunks with yields in between.
         */
        pgliteThread: z.boolean().default(true),
      })
      .prefault({}),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    providers: z.array(providerSchema).default([]),
    models: z.array(modelSchema).default([]),
    aliases: aliasesSchema,
    layers: z
      .strictObject({
        fast: layerSchema.prefault({}),
        balanced: layerSchema.prefault({}),
        deep: layerSchema.prefault({}),
      })
      .prefault({}),
    routing: routingSchema.prefault({}),
    recording: recordingSchema.prefault({}),
    optimizer: optimizerSchema.prefault({}),
    security: securitySchema.prefault({}),
    health: healthSchema.prefault({}),
    cache: cacheSchema.prefault({}),
    budgets: budgetsSchema.prefault({}),
    regression: regressionSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
  })
  .superRefine((cfg, ctx) => {
    if ((cfg.server.workers ?? 1) > 1 && !cfg.database.url)
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'workers'],
        message: `${cfg.server.workers} workers need PostgreSQL (DATABASE_URL): the embedded PGlite database is owned by one process, so it runs 1 worker`,
      });
    const providerIds = new Set<string>();
    cfg.providers.forEach((p, i) => {
      if (providerIds.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'id'], message: `duplicate provider id "${p.id}"` });
      providerIds.add(p.id);
    });
    const modelIds = new Set<string>();
    cfg.models.forEach((m, i) => {
      if (!providerIds.has(m.provider)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'provider'],
          message: `model "${m.id}" names provider "${m.provider}", which is not declared under providers`,
        });
      }
      if (m.kind !== 'embedding' && !m.layer)
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'layer'],
          message: `model "${m.id}" needs a layer (${LAYERS.join(', ')}); only kind: embedding models go without`,
        });
      if (modelIds.has(m.id))
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
      modelIds.add(m.id);
    });
    const judge = cfg.optimizer.judge.model;
    if (judge !== undefined && !modelIds.has(judge))
      ctx.addIssue({
        code: 'custom',
        path: ['optimizer', 'judge', 'model'],
        message: `the judge "${judge}" is not a model id of models[]`,
      });
    for (const [name, target] of Object.entries(cfg.aliases)) {
      if (target !== 'auto' && !(LAYERS as readonly string[]).includes(target) && !modelIds.has(target))
        ctx.addIssue({
          code: 'custom',
          path: ['aliases', name],
          message: `"${target}" is neither "auto", a layer (${LAYERS.join(', ')}) nor a model id of models[]`,
        });
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type ProviderConfig = GatewayConfig['providers'][number];
export type ModelConfig = GatewayConfig['models'][number];
