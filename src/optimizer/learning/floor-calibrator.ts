import type { CandidateEstimate, ScoredEstimate } from './objective';
import type { CalibratorOptions, CalibratorState, Candidate, RequestFeatures } from './types';
import { referenceIndex } from './objective';
import type { Recall } from './prompt-memory';

export type { CalibratorOptions, CalibratorState };

export const DEFAULT_CALIBRATOR_OPTIONS: CalibratorOptions = { window: 400, every: 50, maxFloors: 16 };
/** Highest price of quality searched: beyond it every request may as well go to the cheapest model. */
const MAX_LAMBDA = 1024;
/** Below it lambda is 0: the best model everywhere it matters. */
const MIN_LAMBDA = 1e-4;
const BISECTION_STEPS = 40;

type Entry = ReadonlyArray<ScoredEstimate & { id: string }>;

/** The part of the estimates the calibration keeps. */
function scored(estimates: readonly CandidateEstimate[]): Entry {
  return estimates.map((e) => ({
    id: e.id,
    mean: e.mean,
    lower: e.lower,
    upper: e.upper,
    relativeCost: e.relativeCost,
  }));
}

/** A recent request: what it was and which candidates it had. */
interface Recorded {
  request: RequestFeatures;
  candidates: readonly Candidate[];
  /** What the prompt memory knew of each candidate when the request was decided (never what came after). */
  recall?: ReadonlyArray<Recall | undefined>;
}

/** The learner's current estimates of a request's candidates (no random draws). */
export type Estimator = (
  request: RequestFeatures,
  candidates: readonly Candidate[],
  recall?: ReadonlyArray<Recall | undefined>,
) => CandidateEstimate[];

/** What to add to estimates when counting a cheaper model's choice (see ResidualTracker). */
export type Correction = (model: string) => { asChosen: number; asBest: number };

/**
 * Sets lambda, the price of quality of the traffic-scope quality floor: the largest lambda at which the
 * recent requests, decided with what the learner knows now, keep the expected quality at or above
 * floor x the best model's. This is the Lagrangian of "cheapest traffic subject to the floor": the cheap
 * model serves the requests where it loses least per unit of cost saved. A cheaper model's choice is
 * counted with the corrections (its estimates' observed optimism where chosen, the best model's observed
 * pessimism there, each with a confidence margin), and the exploration share is counted as spent. The
 * work happens every `every` requests (a refresh, about a millisecond); lambdaFor() is a lookup except
 * for a floor not seen before.
 */
export class FloorCalibrator {
  readonly options: CalibratorOptions;
  private recorded: Recorded[] = [];
  /** The window's estimates as of the last refresh. */
  private entries: Entry[] = [];
  private next = 0;
  /** The window entry re-estimated last. */
  private cursor = 0;
  private sinceRefresh = 0;
  private readonly lambdas = new Map<number, number>();

  constructor(
    options: Partial<CalibratorOptions>,
    private readonly exploration: number,
    private readonly correction: Correction,
    private readonly estimator: Estimator,
  ) {
    this.options = { ...DEFAULT_CALIBRATOR_OPTIONS, ...options };
  }

  /** Remembers a request of the window, with the estimates its decision had (refreshed later). */
  record(
    request: RequestFeatures,
    candidates: readonly Candidate[],
    estimates: readonly CandidateEstimate[],
    recall?: ReadonlyArray<Recall | undefined>,
  ): void {
    if (candidates.length < 2) return;
    const entry = scored(estimates);
    if (this.recorded.length < this.options.window) {
      this.recorded.push({ request, candidates, recall });
      this.entries.push(entry);
    } else {
      this.recorded[this.next] = { request, candidates, recall };
      this.entries[this.next] = entry;
    }
    this.next = (this.next + 1) % this.options.window;
    this.sinceRefresh++;
  }

  /**
   * Called once per outcome, off the decision path: re-estimates the next slice of the window with what
   * the learner knows now (a decision's own estimates go stale as it learns; the whole window is redone
   * every `every` outcomes, a slice at a time so that no call is long), and re-solves every known floor
   * when `every` requests came since the last time.
   */
  maybeRefresh(): void {
    const n = this.recorded.length;
    if (n === 0) return;
    const slice = Math.ceil(this.options.window / this.options.every);
    for (let k = 0; k < slice && k < n; k++) {
      this.cursor = (this.cursor + 1) % n;
      const r = this.recorded[this.cursor];
      this.entries[this.cursor] = scored(this.estimator(r.request, r.candidates, r.recall));
    }
    if (this.sinceRefresh < this.options.every) return;
    this.sinceRefresh = 0;
    for (const floor of this.lambdas.keys()) this.lambdas.set(floor, this.solve(floor));
  }

  /** Re-estimates the whole window and re-solves every known floor now. */
  refresh(): void {
    this.entries = this.recorded.map((r) => scored(this.estimator(r.request, r.candidates, r.recall)));
    this.sinceRefresh = 0;
    for (const floor of this.lambdas.keys()) this.lambdas.set(floor, this.solve(floor));
  }

  /** The price of quality for a floor (computed now when the floor is new). */
  lambdaFor(floor: number): number {
    const known = this.lambdas.get(floor);
    if (known !== undefined) return known;
    if (this.lambdas.size >= this.options.maxFloors) this.lambdas.delete(this.lambdas.keys().next().value as number);
    const lambda = this.solve(floor);
    this.lambdas.set(floor, lambda);
    return lambda;
  }

  /** Largest lambda whose window quality holds the floor (0 with an empty window: the best model). */
  solve(floor: number): number {
    if (this.entries.length === 0) return this.lambdas.get(floor) ?? 0;
    const window = this.prepare();
    const holds = (lambda: number) => window.quality(lambda) >= floor;
    if (!holds(MIN_LAMBDA)) return 0;
    if (holds(MAX_LAMBDA)) return MAX_LAMBDA;
    // Bisection on a log scale: lambda spans orders of magnitude across workloads and price gaps.
    let lo = MIN_LAMBDA;
    let hi = MAX_LAMBDA;
    for (let k = 0; k < BISECTION_STEPS && hi / lo > 1.002; k++) {
      const mid = Math.sqrt(lo * hi);
      if (holds(mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** The window's expected quality relative to the reference's, had it been decided at this lambda. */
  quality(lambda: number): number {
    return this.prepare().quality(lambda);
  }

  /**
   * The window as flat arrays, with the corrections applied once: per candidate the score base (the
   * reference's mean, another's lower bound), its relative cost and the quality it is counted at when
   * chosen; per entry the reference and what it is counted at when a cheaper model is chosen.
   */
  private prepare(): { quality: (lambda: number) => number } {
    const corrections = new Map<string, { asChosen: number; asBest: number }>();
    const correct = (id: string) => {
      let c = corrections.get(id);
      if (!c) corrections.set(id, (c = this.correction(id)));
      return c;
    };
    const entries = this.entries;
    const offsets = new Int32Array(entries.length + 1);
    for (let e = 0; e < entries.length; e++) offsets[e + 1] = offsets[e] + entries[e].length;
    const base = new Float64Array(offsets[entries.length]);
    const cost = new Float64Array(base.length);
    const counted = new Float64Array(base.length);
    const ref = new Int32Array(entries.length);
    const refMean = new Float64Array(entries.length);
    const refCounted = new Float64Array(entries.length);
    entries.forEach((entry, e) => {
      const b = referenceIndex(entry);
      ref[e] = b;
      refMean[e] = entry[b].mean;
      refCounted[e] = entry[b].mean + correct(entry[b].id).asBest;
      entry.forEach((c, i) => {
        const k = offsets[e] + i;
        base[k] = i === b ? c.mean : c.lower;
        cost[k] = c.relativeCost;
        counted[k] = i === b ? c.mean : c.mean + correct(c.id).asChosen;
      });
    });
    const eps = this.exploration;
    const quality = (lambda: number): number => {
      let kept = 0;
      let best = 0;
      for (let e = 0; e < entries.length; e++) {
        const from = offsets[e];
        const n = offsets[e + 1] - from;
        const b = ref[e];
        // The rule: best score, the cheaper on a tie (as chooseForTraffic).
        let pick = b;
        let top = base[from + b] - lambda * cost[from + b];
        for (let i = 0; i < n; i++) {
          if (i === b) continue;
          const score = base[from + i] - lambda * cost[from + i];
          if (score > top || (score === top && cost[from + i] < cost[from + pick])) {
            pick = i;
            top = score;
          }
        }
        if (pick === b) {
          // Exploration tries the cheaper models on eps/2 of these requests.
          let others = 0;
          for (let i = 0; i < n; i++) if (i !== b) others += counted[from + i];
          kept += (1 - eps / 2) * refMean[e] + ((eps / 2) * others) / (n - 1);
          best += refMean[e];
        } else {
          // ... and the reference on eps/2 of those that went to a cheaper model.
          kept += (1 - eps / 2) * counted[from + pick] + (eps / 2) * refCounted[e];
          best += refCounted[e];
        }
      }
      return best > 0 ? kept / best : 1;
    };
    return { quality };
  }

  /** The prices of quality per floor (the window itself is not kept: new traffic refills it). */
  snapshot(): CalibratorState {
    return { lambdas: [...this.lambdas] };
  }

  /** Starts from saved prices with an empty window: they hold until `every` new requests refresh them. */
  restore(state: CalibratorState): void {
    this.recorded = [];
    this.entries = [];
    this.next = 0;
    this.cursor = 0;
    this.sinceRefresh = 0;
    this.lambdas.clear();
    for (const [floor, lambda] of state.lambdas.slice(-this.options.maxFloors)) {
      if (!(floor >= 0 && floor <= 1 && lambda >= 0 && Number.isFinite(lambda)))
        throw new RangeError('learner snapshot: calibrator.lambdas must hold [floor 0..1, lambda >= 0] pairs');
      this.lambdas.set(floor, lambda);
    }
  }
}
