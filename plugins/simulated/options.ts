import { z } from 'zod';

const probability = z.number().min(0).max(1);

/** Kinds a simulated model may fail with ('cancelled' is the caller's doing, never the model's). */
export const FAILURE_KINDS = [
  'rate_limited',
  'timeout',
  'auth',
  'bad_request',
  'not_found',
  'upstream',
  'malformed_response',
  'connection',
] as const;

export const simulatedModelSchema = z.strictObject({
  id: z.string().min(1),
  /** Probability of a correct answer per task type; `default` covers the others. */
  quality: z.object({ default: probability }).catchall(probability),
  latencyMs: z
    .strictObject({ p50: z.number().positive(), p99: z.number().positive() })
    .refine((l) => l.p99 >= l.p50, { message: 'p99 must be at least p50' }),
  failureRate: probability.default(0),
  failureKind: z.enum(FAILURE_KINDS).default('upstream'),
  /** Length of a full answer, in (estimated) tokens. */
  outputTokens: z.number().int().positive().default(48),
  contextWindow: z.number().int().positive().optional(),
});

/** A simulated embedding model: hashed bags of words of this many dimensions. */
export const simulatedEmbeddingModelSchema = z.strictObject({
  id: z.string().min(1),
  dimensions: z.number().int().min(2).max(4096).default(256),
});

export const simulatedOptionsSchema = z.strictObject({
  seed: z.number().int().default(0),
  /** Multiplies every drawn latency; 0 answers at once (tests, fast simulations). */
  latencyScale: z.number().min(0).default(1),
  models: z
    .array(simulatedModelSchema)
    .min(1)
    .refine((ms) => new Set(ms.map((m) => m.id)).size === ms.length, { message: 'model ids must be unique' }),
  /** Embedding models (POST /v1/embeddings). */
  embeddingModels: z.array(simulatedEmbeddingModelSchema).default([]),
});

export type SimulatedModel = z.infer<typeof simulatedModelSchema>;
export type SimulatedOptions = z.infer<typeof simulatedOptionsSchema>;
