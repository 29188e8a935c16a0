import { Rng, sampleBeta } from './stats';

/** One model as the bandit sees it: a relative price (0-1 of the dearest) and the task types it is known to be good at. */
export interface BanditArm {
  readonly id: string;
  /** Price relative to the dearest model of the catalogue, 0-1. */
  readonly relativePrice: number;
  /** The configured strengths: a higher prior success rate on these task types. */
  readonly strengths: readonly string[];
}

/** Prior mean success rate of a model on a task type, with and without a configured strength (as the default policy). */
export const PRIOR_STRONG = 0.9;
export const PRIOR_DEFAULT = 0.8;

/** Outcomes of one model on one task type: n requests, reward sum (success times feedback, 0-1 each), latency sum. */
export interface ArmStats {
  n: number;
  reward: number;
  latencyMs: number;
}

export interface BanditOptions {
  costWeight: number;
  latencyWeight: number;
  /** Probability floor of exploration: this share of decisions picks an arm uniformly at random. */
  exploration: number;
  /** Pseudo-observations of the prior. */
  priorWeight: number;
  /**
   * Indifference margin: a dearer arm is chosen only when its sampled utility beats the cheapest
   * near-best arm by more than this (it is not worth paying more for a difference this small).
   */
  margin: number;
}

const key = (taskType: string, modelId: string): string => `${taskType}\u0000${modelId}`;

/** Latency at which the latency penalty is full (latencyWeight): slower counts as this slow. */
export const LATENCY_REFERENCE_MS = 10_000;

/** latencyWeight x average latency relative to LATENCY_REFERENCE_MS (a fixed scale: noise in fast calls costs nothing). */
export function latencyPenalty(latencyWeight: number, avgLatencyMs: number): number {
  return latencyWeight * Math.min(1, Math.max(0, avgLatencyMs) / LATENCY_REFERENCE_MS);
}

/**
 * Thompson sampling per task type over models, on Beta posteriors of the reward, with the utility
 * sample - costWeight * relativePrice - latencyWeight * min(1, latency / 10 s). O(arms) per decision, no I/O.
 */
export class ThompsonBandit {
  private stats = new Map<string, ArmStats>();
  /** Bumped on every change: caches of rankings follow it. */
  version = 0;

  constructor(
    readonly options: BanditOptions,
    private readonly rng: Rng,
  ) {}

  /** Replaces every posterior (a rebuild from request_log). */
  reset(rows: ReadonlyArray<{ taskType: string; model: string } & ArmStats>): void {
    this.stats = new Map();
    for (const r of rows)
      this.stats.set(key(r.taskType, r.model), { n: r.n, reward: r.reward, latencyMs: r.latencyMs });
    this.version++;
  }

  /** Adds (or corrects, with negative values) observations of one model on one task type. */
  observe(taskType: string, model: string, delta: { n: number; reward: number; latencyMs?: number }): void {
    const k = key(taskType, model);
    const s = this.stats.get(k) ?? { n: 0, reward: 0, latencyMs: 0 };
    s.n = Math.max(0, s.n + delta.n);
    s.reward = Math.min(s.n, Math.max(0, s.reward + delta.reward));
    s.latencyMs = Math.max(0, s.latencyMs + (delta.latencyMs ?? 0));
    this.stats.set(k, s);
    this.version++;
  }

  get(taskType: string, model: string): ArmStats | undefined {
    return this.stats.get(key(taskType, model));
  }

  /** Requests observed for a task type, over all models. */
  observed(taskType: string, arms: readonly BanditArm[]): number {
    let n = 0;
    for (const arm of arms) n += this.stats.get(key(taskType, arm.id))?.n ?? 0;
    return n;
  }

  /** Every task type with observations. */
  taskTypes(): string[] {
    const out = new Set<string>();
    for (const k of this.stats.keys()) out.add(k.slice(0, k.indexOf('\u0000')));
    return [...out].sort();
  }

  /** Posterior parameters of an arm's reward: Beta(prior pseudo-counts + rewards, prior + misses). */
  posterior(taskType: string, arm: BanditArm): { alpha: number; beta: number } {
    const s = this.stats.get(key(taskType, arm.id));
    const w = this.options.priorWeight;
    const prior = arm.strengths.includes(taskType) ? PRIOR_STRONG : PRIOR_DEFAULT;
    return { alpha: w * prior + (s?.reward ?? 0), beta: w * (1 - prior) + ((s?.n ?? 0) - (s?.reward ?? 0)) };
  }

  /** The cost and latency part of the utility (subtracted from the success rate). */
  penalty(taskType: string, arm: BanditArm): number {
    const s = this.stats.get(key(taskType, arm.id));
    const latency = s && s.n > 0 ? s.latencyMs / s.n : 0;
    return this.options.costWeight * arm.relativePrice + latencyPenalty(this.options.latencyWeight, latency);
  }

  /** Expected utility under the posterior (deterministic ranking). */
  meanUtility(taskType: string, arm: BanditArm): number {
    const { alpha, beta } = this.posterior(taskType, arm);
    return alpha / (alpha + beta) - this.penalty(taskType, arm);
  }

  /** One Thompson decision among `arms` (at least one). */
  choose(taskType: string, arms: readonly BanditArm[]): BanditArm {
    if (arms.length === 1) return arms[0];
    if (this.rng() < this.options.exploration) return arms[Math.floor(this.rng() * arms.length)];
    let best = -Infinity;
    const sampled = new Array<number>(arms.length);
    for (let i = 0; i < arms.length; i++) {
      const { alpha, beta } = this.posterior(taskType, arms[i]);
      sampled[i] = sampleBeta(alpha, beta, this.rng) - this.penalty(taskType, arms[i]);
      if (sampled[i] > best) best = sampled[i];
    }
    let pick = -1;
    for (let i = 0; i < arms.length; i++) {
      if (sampled[i] < best - this.options.margin) continue;
      if (pick < 0 || arms[i].relativePrice < arms[pick].relativePrice) pick = i;
    }
    return arms[pick];
  }
}
