/**
 * How far the learner's estimates were from the grades, where it matters to the quality floor: a cheaper
 * model's estimates on the requests it was chosen for (chosen because its estimate looked good, so they
 * tend to be optimistic), and the best model's estimates on requests that went to a cheaper model but were
 * explored with the best one (so they tend to be pessimistic: those are where it looked least needed).
 * The floor counts both, with a confidence margin that is wide while there are few outcomes.
 */

/**
 * Prior standard deviation of a model's bias where it was not chosen: wide, since selection (a model sent
 * only the hard requests) can put its estimates far off there, and exploration is what shows it.
 */
const EXPLORED_PRIOR_SD = 0.1;
/** Variance of one residual before there are enough to measure it (a 0/1 grade at 50% varies by 0.25). */
const RESIDUAL_VARIANCE_PRIOR = 0.25;
const RESIDUAL_VARIANCE_PRIOR_COUNT = 5;
/** Each new residual scales the older ones by this (an effective memory of about 500). */
const DECAY = 0.998;

class ResidualStats {
  sum = 0;
  sumSq = 0;
  n = 0;

  add(r: number): void {
    this.sum = this.sum * DECAY + r;
    this.sumSq = this.sumSq * DECAY + r * r;
    this.n = this.n * DECAY + 1;
  }

  /** Posterior mean and standard deviation of the bias (normal prior N(0, priorSd^2), normal residuals). */
  bias(priorSd: number): { mean: number; se: number } {
    const k = RESIDUAL_VARIANCE_PRIOR_COUNT;
    const variance = (this.sumSq + k * RESIDUAL_VARIANCE_PRIOR) / (this.n + k);
    const precision = 1 / (priorSd * priorSd) + this.n / variance;
    return { mean: this.sum / variance / precision, se: 1 / Math.sqrt(precision) };
  }
}

export type ResidualKind = 'chosen' | 'counterfactual' | 'explored';

export interface ResidualState {
  models: Array<[string, ResidualKind, number, number, number]>;
}

export class ResidualTracker {
  private readonly stats = new Map<string, ResidualStats>();

  constructor(
    private readonly maxModels: number,
    /** Prior standard deviation of an estimate's bias (quality points, 0..1 scale). */
    private readonly priorSd: number,
  ) {}

  add(model: string, kind: ResidualKind, residual: number): void {
    const key = `${kind}\u0000${model}`;
    let s = this.stats.get(key);
    if (!s) {
      if (this.stats.size >= 3 * this.maxModels) return;
      s = new ResidualStats();
      this.stats.set(key, s);
    }
    s.add(residual);
  }

  /**
   * The corrections, z standard errors towards caution: what to add to a cheaper model's estimate where
   * it is chosen (`asChosen`, at most its mean residual) and to the best model's where a cheaper one is
   * (`asBest`, at least its mean residual).
   */
  correction(model: string, z: number): { asChosen: number; asBest: number } {
    const c = (this.stats.get(`chosen\u0000${model}`) ?? new ResidualStats()).bias(this.priorSd);
    const f = (this.stats.get(`counterfactual\u0000${model}`) ?? new ResidualStats()).bias(this.priorSd);
    return { asChosen: c.mean - z * c.se, asBest: f.mean + z * f.se };
  }

  /** The posterior mean bias of a model's estimates on one kind of request (0 without evidence). */
  bias(model: string, kind: ResidualKind): number {
    const s = this.stats.get(`${kind}\u0000${model}`);
    return s ? s.bias(kind === 'explored' ? EXPLORED_PRIOR_SD : this.priorSd).mean : 0;
  }

  snapshot(): ResidualState {
    return {
      models: [...this.stats].map(([key, s]) => {
        const [kind, model] = key.split('\u0000') as [ResidualKind, string];
        return [model, kind, s.sum, s.sumSq, s.n];
      }),
    };
  }

  restore(state: ResidualState): void {
    this.stats.clear();
    for (const [model, kind, sum, sumSq, n] of state.models.slice(0, 3 * this.maxModels)) {
      if (kind !== 'chosen' && kind !== 'counterfactual')
        throw new RangeError(`learner snapshot: residual kind ${kind}`);
      const s = new ResidualStats();
      Object.assign(s, { sum: Number(sum), sumSq: Number(sumSq), n: Number(n) });
      this.stats.set(`${kind}\u0000${model}`, s);
    }
  }
}
