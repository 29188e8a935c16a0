import { createHash } from 'node:crypto';

/** Settings of the prompt memory. */
export interface PromptMemoryOptions {
  /** Most distinct prompts remembered (least recently graded forgotten first); 0 turns the memory off. */
  maxPrompts: number;
  /**
   * How many grades of this very prompt weigh as much as the learner's general estimate, before repeats
   * have shown how alike a model's answers to one prompt are: after n grades the estimate is
   * (strength x general + sum of grades) / (strength + n), a Beta posterior centred on it.
   */
  strength: number;
}

/** Weight, in pairs of grades, of the initial `strength` against the agreement measured on repeats. */
const AGREEMENT_PRIOR_PAIRS = 10;
/** Each new pair scales the older ones by this (an effective memory of about 1,000 repeats). */
const AGREEMENT_DECAY = 0.999;

export const DEFAULT_PROMPT_MEMORY: PromptMemoryOptions = { maxPrompts: 10_000, strength: 9 };

/** This prompt's own grades of a model, as they enter an estimate p: (1 - weight) x p + weight x mean. */
export interface Recall {
  weight: number;
  mean: number;
}

/** Per model: grades seen for one prompt and their sum. */
type Grades = Map<string, { n: number; sum: number }>;

/** The memory as a snapshot keeps it: per prompt key, per model [id, grades, sum]; the agreement sums. */
export interface PromptMemoryState {
  prompts: Array<[string, Array<[string, number, number]>]>;
  agreement: [number, number];
}

/** The key of a prompt: a digest of its task type and full text (not the features' clipped view). */
export function promptKey(prompt: string, taskType?: string): string {
  return createHash('sha1')
    .update(taskType ?? '')
    .update('\u0000')
    .update(prompt)
    .digest('base64url')
    .slice(0, 16);
}

/**
 * What each model's answers to one exact prompt were graded (RouteLLM's similarity-weighted vote at
 * similarity 1). Real traffic repeats itself (templates, retries, the same question from many users), and a
 * model's grade on a prompt it answered before says more about the next answer than any lexical feature:
 * the general estimate is moved towards those grades as a Beta posterior of k pseudo-grades.
 *
 * How far depends on how alike a model's answers to one prompt are, which differs by deployment (a
 * benchmark replayed, temperature 0, a cache in front: alike; sampled answers: less so): k = (1 - rho) / rho,
 * rho being the correlation of two grades of one model on one prompt around the general estimate (the
 * beta-binomial's intra-prompt correlation), measured on every repeat. Independent grades give rho near 0
 * and the memory steps aside; identical ones rho near 1 and it decides. Bounded: the least recently graded
 * prompts are forgotten first.
 */
export class PromptMemory {
  readonly options: PromptMemoryOptions;
  private readonly prompts = new Map<string, Grades>();
  /** Decayed sums over repeats: (new grade - general) x (earlier grades' mean - general), and its square. */
  private agreeXY: number;
  private agreeXX: number;

  constructor(options: Partial<PromptMemoryOptions> = {}) {
    this.options = { ...DEFAULT_PROMPT_MEMORY, ...options };
    const { maxPrompts, strength } = this.options;
    if (!Number.isInteger(maxPrompts) || maxPrompts < 0 || maxPrompts > 1_000_000)
      throw new RangeError('promptMemory.maxPrompts must be an integer in [0, 1000000]');
    if (!Number.isFinite(strength) || strength <= 0 || strength > 1000)
      throw new RangeError('promptMemory.strength must be a number in (0, 1000]');
    [this.agreeXY, this.agreeXX] = this.priorAgreement();
  }

  /** The intra-prompt correlation of grades measured so far (with the prior from `strength`). */
  get agreement(): number {
    return this.agreeXX > 0 ? Math.min(0.99, Math.max(0.01, this.agreeXY / this.agreeXX)) : 0.01;
  }

  /** Pseudo-grades the general estimate weighs as (k = (1 - rho) / rho). */
  get strength(): number {
    const rho = this.agreement;
    return (1 - rho) / rho;
  }

  get size(): number {
    return this.prompts.size;
  }

  /**
   * Learns a grade of a model's answer to a prompt. `before`: the grade it replaces (a later, better one);
   * `general`: the learner's estimate without the memory, against which a repeat's agreement is measured.
   */
  grade(key: string, model: string, quality: number, before?: number, general?: number): void {
    if (this.options.maxPrompts === 0) return;
    let grades = this.prompts.get(key);
    if (grades) this.prompts.delete(key);
    else {
      grades = new Map();
      if (this.prompts.size >= this.options.maxPrompts) this.prompts.delete(this.prompts.keys().next().value!);
    }
    this.prompts.set(key, grades); // most recent last
    const g = grades.get(model);
    if (g && before !== undefined) g.sum += quality - before;
    else if (g) {
      if (general !== undefined) this.agree(quality - general, g.sum / g.n - general);
      g.n++;
      g.sum += quality;
    } else grades.set(model, { n: 1, sum: quality });
  }

  /** This prompt's own grades of a model (undefined when it has none). */
  recall(key: string | undefined, model: string): Recall | undefined {
    const g = key === undefined ? undefined : this.prompts.get(key)?.get(model);
    if (!g) return undefined;
    return { weight: g.n / (g.n + this.strength), mean: g.sum / g.n };
  }

  snapshot(): PromptMemoryState {
    return {
      prompts: [...this.prompts].map(([key, grades]) => [key, [...grades].map(([m, g]) => [m, g.n, g.sum])]),
      agreement: [this.agreeXY, this.agreeXX],
    };
  }

  restore(state: PromptMemoryState | undefined): void {
    this.prompts.clear();
    [this.agreeXY, this.agreeXX] = this.priorAgreement();
    if (state === undefined) return;
    const { prompts, agreement } = state;
    if (!Array.isArray(prompts)) throw new RangeError('learner snapshot: prompts.prompts must be a list');
    if (!Array.isArray(agreement) || !(agreement[1] > 0 && Number.isFinite(agreement[0] + agreement[1])))
      throw new RangeError('learner snapshot: prompts.agreement must be two sums, the second > 0');
    [this.agreeXY, this.agreeXX] = agreement;
    for (const [key, grades] of prompts.slice(-this.options.maxPrompts)) {
      if (typeof key !== 'string' || !Array.isArray(grades))
        throw new RangeError('learner snapshot: prompts must hold [key, grades] pairs');
      const map: Grades = new Map();
      for (const [model, n, sum] of grades) {
        if (typeof model !== 'string' || !(Number.isInteger(n) && n > 0) || !(sum >= 0 && sum <= n))
          throw new RangeError('learner snapshot: a prompt grade must be [model, count >= 1, sum 0..count]');
        map.set(model, { n, sum });
      }
      this.prompts.set(key, map);
    }
  }

  private agree(x: number, y: number): void {
    this.agreeXY = this.agreeXY * AGREEMENT_DECAY + x * y;
    this.agreeXX = this.agreeXX * AGREEMENT_DECAY + x * x;
  }

  /** The prior of the agreement sums: `strength` as AGREEMENT_PRIOR_PAIRS pairs of grades of variance 1/4. */
  private priorAgreement(): [number, number] {
    const xx = AGREEMENT_PRIOR_PAIRS * 0.25;
    return [xx / (1 + this.options.strength), xx];
  }
}
