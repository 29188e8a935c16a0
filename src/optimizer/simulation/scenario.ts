import { gatewayConfigSchema, GatewayConfig, LayerName } from '../../config/config.schema';
import { IN_MEMORY } from '../../database/orm-options';
import { Rng } from '../stats';

/** One simulated model: true quality per task type (known to the simulator only), failure rate, price. */
export interface SimModel {
  id: string;
  layer: LayerName;
  quality: Record<string, number> & { default: number };
  failureRate: number;
  latencyMs: { p50: number; p99: number };
  /** USD per million tokens. */
  price: { input: number; output: number };
}

/** The models of config/gateway.yaml's simulated provider. */
export const SIM_MODELS: readonly SimModel[] = [
  {
    id: 'sim-fast',
    layer: 'fast',
    quality: { default: 0.72, chat: 0.9, coding: 0.6, math: 0.5, analysis: 0.6, creative: 0.8 },
    failureRate: 0.01,
    latencyMs: { p50: 120, p99: 400 },
    price: { input: 0.15, output: 0.6 },
  },
  {
    id: 'sim-balanced',
    layer: 'balanced',
    quality: { default: 0.85, chat: 0.93, coding: 0.82, math: 0.75, analysis: 0.84, creative: 0.88 },
    failureRate: 0.01,
    latencyMs: { p50: 400, p99: 1200 },
    price: { input: 1.0, output: 4.0 },
  },
  {
    id: 'sim-deep',
    layer: 'deep',
    quality: { default: 0.94, chat: 0.95, coding: 0.95, math: 0.93, analysis: 0.95, creative: 0.92 },
    failureRate: 0.005,
    latencyMs: { p50: 1200, p99: 3500 },
    price: { input: 5.0, output: 20.0 },
  },
];

/** Share of the traffic per task type. */
export const TASK_MIX: ReadonlyArray<readonly [string, number]> = [
  ['chat', 0.25],
  ['coding', 0.2],
  ['analysis', 0.15],
  ['math', 0.1],
  ['creative', 0.1],
  ['summarization', 0.1],
  ['translation', 0.1],
];

const PROMPTS: Record<string, string[]> = {
  chat: [
    'Hello! How is your day going?',
    'Can you recommend a good book for the weekend?',
    'What is a nice name for a cat?',
  ],
  coding: [
    'Write a function that reverses a linked list in TypeScript.',
    'Why does this Python code raise a KeyError?',
    'Refactor this class to use dependency injection.',
  ],
  analysis: [
    'Compare the pros and cons of remote work for a small team.',
    'Evaluate the trade-offs of this pricing strategy.',
    'Analyze why our churn went up last quarter.',
  ],
  math: [
    'Solve the equation 3x + 7 = 22.',
    'Calculate the probability of two sixes in three dice rolls.',
    'Compute the integral of x^2 from 0 to 3.',
  ],
  creative: [
    'Write a short poem about the sea at night.',
    'Imagine a story about a lighthouse keeper.',
    'Give me a slogan for a bakery.',
  ],
  summarization: [
    'Summarize the key points of this meeting: budget approved, hiring paused, launch in May.',
    'TL;DR of the attached article on battery recycling, please.',
  ],
  translation: [
    'Translate "good morning, how are you?" into French.',
    'Translate this sentence into Spanish: the train leaves at noon.',
  ],
};

const DEMANDING = ' Explain it step by step, in depth.';

export interface SimRequest {
  taskType: string;
  prompt: string;
}

/** The request stream of a seed: task type by TASK_MIX, a prompt of that type, now and then demanding wording. */
export function requestStream(rng: Rng, count: number): SimRequest[] {
  const out: SimRequest[] = [];
  for (let i = 0; i < count; i++) {
    let u = rng();
    let taskType = TASK_MIX[TASK_MIX.length - 1][0];
    for (const [t, w] of TASK_MIX) {
      if (u < w) {
        taskType = t;
        break;
      }
      u -= w;
    }
    const prompts = PROMPTS[taskType];
    const prompt = prompts[Math.floor(rng() * prompts.length)] + (rng() < 0.15 ? DEMANDING : '') + ` (#${i})`;
    out.push({ taskType, prompt });
  }
  return out;
}

export function trueQuality(model: SimModel, taskType: string): number {
  return model.quality[taskType] ?? model.quality.default;
}

/** Expected success of a model on a task type: right answer and no failure (fallback aside). */
export function expectedSuccess(model: SimModel, taskType: string): number {
  return trueQuality(model, taskType) * (1 - model.failureRate);
}

/**
 * The oracle: for a task type, the model with the best expected utility given the TRUE qualities and
 * the prices, with the same utility the gateway optimises: success - costWeight x price / dearest price.
 * Latency is not simulated (latencyScale 0), so it has no term.
 */
export function oracleModel(taskType: string, costWeight: number, models: readonly SimModel[] = SIM_MODELS): SimModel {
  const maxPrice = Math.max(...models.map((m) => m.price.input + m.price.output));
  let best = models[0];
  let bestU = -Infinity;
  for (const m of models) {
    const u = expectedSuccess(m, taskType) - (costWeight * (m.price.input + m.price.output)) / maxPrice;
    if (u > bestU) {
      best = m;
      bestU = u;
    }
  }
  return best;
}

export function expectedUtility(
  model: SimModel,
  taskType: string,
  costWeight: number,
  models: readonly SimModel[] = SIM_MODELS,
): number {
  const maxPrice = Math.max(...models.map((m) => m.price.input + m.price.output));
  return expectedSuccess(model, taskType) - (costWeight * (model.price.input + model.price.output)) / maxPrice;
}

/** A gateway config for one simulated run: in-memory PGlite, the simulated provider without sleeping. */
export function simulationConfig(seed: number, optimizer: GatewayConfig['optimizer'], enabled: boolean): GatewayConfig {
  return gatewayConfigSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    database: { dataDir: IN_MEMORY },
    logLevel: 'silent',
    providers: [
      {
        id: 'sim',
        plugin: 'simulated',
        options: {
          seed,
          latencyScale: 0,
          models: SIM_MODELS.map((m) => ({
            id: m.id,
            quality: m.quality,
            failureRate: m.failureRate,
            latencyMs: m.latencyMs,
          })),
        },
      },
    ],
    models: SIM_MODELS.map((m) => ({
      id: m.id,
      provider: 'sim',
      layer: m.layer,
      price: m.price,
      contextWindow: 65536,
    })),
    routing: { maxRetries: 1, backoffBaseMs: 0, backoffMaxMs: 0, escalate: true },
    recording: { batchSize: 500, flushIntervalMs: 60000 },
    // No cron firing during a simulation: the simulator runs the optimizer itself every K requests.
    // No judge either: the simulator sends every answer's ground truth as caller feedback.
    optimizer: { ...optimizer, enabled, cron: '0 0 1 1 *', seed, judge: { ...optimizer.judge, model: undefined } },
  });
}
