import type { FeatureVector } from './features';

/**
 * Online Bayesian logistic regression with a diagonal Gaussian posterior over the weights, updated by
 * one extended-Kalman (Laplace) step per outcome: exact for one observation in the direction of its
 * features, so a prompt with many features moves the prediction no more than one with few.
 *
 * The logit of P(good answer | prompt, model) is a sum over weight sets: the model's own set (bias,
 * task-type weight, hashed lexical weights) and a set shared by every model (task-type and lexical
 * weights: how hard this kind of prompt is, learned from every model's outcomes). Each part has its own
 * prior variance, so a task type (a strong signal) learns fast, difficulty is learned from all the
 * traffic, and a model's own weights learn only where it differs from the others.
 */
export interface WeightPrior {
  /** Prior variance of the bias (logit scale); 0 for a set without a bias. */
  biasVariance: number;
  /** Prior variance of a task type's weight. */
  tagVariance: number;
  /** Prior variance of a lexical slot (the vector has norm 1, so this bounds the lexical variance). */
  lexicalVariance: number;
}

/** Variance added to a touched weight per update (x its feature value squared): the model can follow a change. */
export const DRIFT = 1e-6;
/** Most task types kept per weight set (bounded memory); the least recently updated one is forgotten. */
export const MAX_TAGS = 4096;
const MIN_VARIANCE = 1e-6;

interface Weight {
  mean: number;
  variance: number;
}

export interface WeightSetState {
  bias: [number, number];
  tags: Array<[string, number, number]>;
  /** Slots that differ from the prior: slot numbers, means and variances (base64 of int32/float32 arrays). */
  slots: string;
  means: string;
  variances: string;
  updates: number;
}

/**
 * A prediction on the logit scale: mean, variance, the part of the variance from the bias and task type,
 * and the sum of the squared per-weight variance contributions (how concentrated the variance is).
 */
export interface LogitParts {
  mean: number;
  variance: number;
  coarseVariance: number;
  spread: number;
}

export class WeightSet {
  /** Interleaved [mean, variance] per slot: one cache line per feature on the decision path. */
  private readonly table: Float32Array;
  private bias: Weight;
  private readonly tags = new Map<string, Weight>();
  /** Outcomes learned from. */
  updates = 0;

  constructor(
    readonly bits: number,
    readonly prior: WeightPrior,
  ) {
    this.table = new Float32Array(2 << bits);
    for (let i = 1; i < this.table.length; i += 2) this.table[i] = prior.lexicalVariance;
    this.bias = { mean: 0, variance: prior.biasVariance };
  }

  /** This set's part of the logit for a prompt: mean and variance. */
  predict(x: FeatureVector, tag: string | undefined): LogitParts {
    let mean = this.bias.mean;
    let coarseVariance = this.bias.variance;
    let spread = coarseVariance * coarseVariance;
    if (tag !== undefined) {
      const t = this.tags.get(tag);
      const tv = t ? t.variance : this.prior.tagVariance;
      mean += t ? t.mean : 0;
      coarseVariance += tv;
      spread += tv * tv;
    }
    let variance = coarseVariance;
    const { index, value } = x;
    const table = this.table;
    for (let i = 0; i < index.length; i++) {
      const j = index[i] << 1;
      const v = value[i];
      const c = table[j + 1] * v * v;
      mean += table[j] * v;
      variance += c;
      spread += c * c;
    }
    return { mean, variance, coarseVariance, spread };
  }

  /**
   * Applies one Kalman step: every weight w with feature value v moves by s v step (s its variance, so
   * credit goes where the uncertainty is) and its variance shrinks by the factor 1 - gain x share, share
   * being its part of the prediction's variance relative to the average part (capped at 1). A diagonal
   * posterior shrinking each weight alone would leave the variance along the prompt's direction K times
   * too large when K features always come together (the words of every prompt), and every estimate would
   * then swing with the last few dozen outcomes; this keeps it at the exact one-observation update.
   */
  apply(x: FeatureVector, tag: string | undefined, step: number, shrink: Shrink, learn: boolean): void {
    if (this.prior.biasVariance > 0) this.bias = move(this.bias, 1, step, shrink, learn);
    if (tag !== undefined) {
      const before = this.takeTag(tag, learn);
      if (before) this.tags.set(tag, move(before, 1, step, shrink, learn));
    }
    const { index, value } = x;
    const table = this.table;
    const drift = learn ? DRIFT : 0;
    const { gain, perContribution } = shrink;
    for (let i = 0; i < index.length; i++) {
      const j = index[i] << 1;
      const v = value[i];
      const s = table[j + 1];
      table[j] += s * v * step;
      const share = Math.min(1, s * v * v * perContribution);
      table[j + 1] = Math.max(MIN_VARIANCE, s * (1 - gain * share) + drift * v * v);
    }
    if (learn) this.updates++;
  }

  /** The task types this set has learned (for the console). */
  tagWeights(): Array<{ tag: string; mean: number; variance: number }> {
    return [...this.tags].map(([tag, w]) => ({ tag, mean: w.mean, variance: w.variance }));
  }

  get biasWeight(): Readonly<Weight> {
    return this.bias;
  }

  snapshot(): WeightSetState {
    const slots: number[] = [];
    const lexicalVariance = Math.fround(this.prior.lexicalVariance);
    for (let i = 0; i < this.table.length; i += 2)
      if (this.table[i] !== 0 || this.table[i + 1] !== lexicalVariance) slots.push(i >> 1);
    return {
      bias: [this.bias.mean, this.bias.variance],
      tags: [...this.tags].map(([tag, w]) => [tag, w.mean, w.variance]),
      slots: toBase64(Int32Array.from(slots)),
      means: toBase64(Float32Array.from(slots, (s) => this.table[s << 1])),
      variances: toBase64(Float32Array.from(slots, (s) => this.table[(s << 1) + 1])),
      updates: this.updates,
    };
  }

  restore(state: WeightSetState): void {
    const slots = new Int32Array(fromBase64(state.slots, 'slots'));
    const means = new Float32Array(fromBase64(state.means, 'means'));
    const variances = new Float32Array(fromBase64(state.variances, 'variances'));
    if (means.length !== slots.length || variances.length !== slots.length)
      throw new RangeError('learner snapshot: slots, means and variances differ in length');
    for (const s of slots)
      if (s < 0 || s >= this.table.length >> 1) throw new RangeError(`learner snapshot: slot ${s} is out of range`);
    if (!Array.isArray(state.tags) || state.tags.length > MAX_TAGS)
      throw new RangeError(`learner snapshot: tags must be a list of at most ${MAX_TAGS}`);
    for (let i = 1; i < this.table.length; i += 2) {
      this.table[i - 1] = 0;
      this.table[i] = this.prior.lexicalVariance;
    }
    slots.forEach((s, k) => {
      this.table[s << 1] = means[k];
      this.table[(s << 1) + 1] = variances[k];
    });
    this.bias = { mean: Number(state.bias[0]), variance: Number(state.bias[1]) };
    this.tags.clear();
    for (const [tag, mean, variance] of state.tags) this.tags.set(String(tag), { mean, variance });
    this.updates = state.updates;
  }

  /** A tag's weight, moved to the most-recent end (the first key is the one forgotten when full). */
  private takeTag(tag: string, create: boolean): Weight | undefined {
    const w = this.tags.get(tag);
    if (w) {
      this.tags.delete(tag);
      return w;
    }
    if (!create) return undefined;
    if (this.tags.size >= MAX_TAGS) this.tags.delete(this.tags.keys().next().value as string);
    return { mean: 0, variance: this.prior.tagVariance };
  }
}

/** How variances shrink in one update: by gain x min(1, contribution x perContribution). */
export interface Shrink {
  gain: number;
  perContribution: number;
}

const NO_SHRINK: Shrink = { gain: 0, perContribution: 0 };

function move(w: Weight, x: number, step: number, shrink: Shrink, learn: boolean): Weight {
  const s = w.variance;
  const share = Math.min(1, s * x * x * shrink.perContribution);
  return {
    mean: w.mean + s * x * step,
    variance: Math.max(MIN_VARIANCE, s * (1 - shrink.gain * share) + (learn ? DRIFT : 0)),
  };
}

/** The logit of P(good) over weight sets: offset (the prior logit) + each set's part. */
export function predictLogit(sets: readonly WeightSet[], x: FeatureVector, tag: string | undefined, offset: number) {
  let mean = offset;
  let variance = 0;
  let spread = 0;
  for (const s of sets) {
    const p = s.predict(x, tag);
    mean += p.mean;
    variance += p.variance;
    spread += p.spread;
  }
  return { mean, variance, spread };
}

/**
 * Learns one graded outcome: `label` is the quality 0..1 (a soft label: 0.7 counts as 70% good). The
 * Laplace step at the current mean: posterior precision + p(1-p) x x^T, by Sherman-Morrison.
 */
export function learnOutcome(
  sets: readonly WeightSet[],
  x: FeatureVector,
  tag: string | undefined,
  offset: number,
  label: number,
): void {
  const { mean, variance, spread } = predictLogit(sets, x, tag, offset);
  const p = 1 / (1 + Math.exp(-mean));
  const h = Math.max(p * (1 - p), 1e-6);
  const denom = 1 + h * variance;
  // Exact along x: the variance there becomes variance / denom (see WeightSet.apply).
  const shrink = { gain: (h * variance) / denom, perContribution: spread > 0 ? variance / spread : 0 };
  for (const s of sets) s.apply(x, tag, (label - p) / denom, shrink, true);
}

/** Moves a learned label to another (a later, more authoritative grade), without counting the outcome twice. */
export function relabelOutcome(
  sets: readonly WeightSet[],
  x: FeatureVector,
  tag: string | undefined,
  offset: number,
  from: number,
  to: number,
): void {
  const { mean, variance } = predictLogit(sets, x, tag, offset);
  const p = 1 / (1 + Math.exp(-mean));
  const h = Math.max(p * (1 - p), 1e-6);
  for (const s of sets) s.apply(x, tag, (to - from) / (1 + h * variance), NO_SHRINK, false);
}

function toBase64(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(text: string, field: string): ArrayBuffer {
  if (typeof text !== 'string') throw new RangeError(`learner snapshot: ${field} must be a base64 string`);
  const buf = Buffer.from(text, 'base64');
  if (buf.byteLength % 4 !== 0)
    throw new RangeError(`learner snapshot: ${field} is not a whole number of 4-byte values`);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}
