import type { CandidateEstimate, ScoredEstimate } from './objective';
import type { Candidate, RequestFeatures } from './types';
import { referenceIndex, chooseForTraffic } from './objective';

export interface CalibratorOptions {
  /** Recent requests the price of quality is set on. */
  window: number;
  /** Re-estimate the window and recompute the prices after this many new requests. */
  every: number;
  /** Most distinct floors kept (a request header may ask for its own). */
  maxFloors: number;
}

export const DEFAULT_CALIBRATOR_OPTIONS: CalibratorOptions = { window: 400, every: 50, maxFloors: 16 };
/** Highest price of quality searched: beyond it every request may as well go to the cheapest model. */
const MAX_LAMBDA = 1024;
/** Below it lambda is 0: the best model everywhere it matters. */
const MIN_LAMBDA = 1e-4;
const BISECTION_STEPS = 40;

type Entry = ReadonlyArray<ScoredEstimate & { id: string }>;

export interface CalibratorState {
  lambdas: Array<[number, number]>;
}

/** A recent request: what it was and which candidates it had. */
interface Recorded {
  request: RequestFeatures;
  candidates: readonly Candidate[];
}

/** The learner's current estimates of a request's candidates (no random draws). */
export type Estimator = (request: RequestFeatures, candidates: readonly Candidate[]) => CandidateEstimate[];

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

  /** Remembers a request of the window (its features and candidates, to re-estimate later). */
  record(request: RequestFeatures, candidates: readonly Candidate[]): void {
    if (candidates.length < 2) return;
    if (this.recorded.length < this.options.window) this.recorded.push({ request, candidates });
    else this.recorded[this.next] = { request, candidates };
    this.next = (this.next + 1) % this.options.window;
    this.sinceRefresh++;
  }

  /** Refreshes when `every` requests came since the last time (called off the decision path). */
  maybeRefresh(): void {
    if (this.sinceRefresh >= this.options.every) this.refresh();
  }

  /**
   * Re-estimates the window with what the learner knows now (a decision's own estimates go stale as
   * the learner learns) and recomputes every known floor's lambda. O(window x candidates x features).
   */
  refresh(): void {
    this.sinceRefresh = 0;
    this.entries = this.recorded.map((r) =>
      this.estimator(r.request, r.candidates).map((e) => ({
        id: e.id,
        mean: e.mean,
        lower: e.lower,
        upper: e.upper,
        relativeCost: e.relativeCost,
      })),
    );
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
    const corrections = new Map<string, { asChosen: number; asBest: number }>();
    const correct = (id: string) => {
      let c = corrections.get(id);
      if (!c) corrections.set(id, (c = this.correction(id)));
      return c;
    };
    const holds = (lambda: number) => this.quality(lambda, correct) >= floor;
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

  /** The window's expected quality relative to the best model's, had it been decided at this lambda. */
  quality(lambda: number, correct: Correction = this.correction): number {
    let kept = 0;
    let best = 0;
    const eps = this.exploration;
    for (const entry of this.entries) {
      const b = referenceIndex(entry);
      const pick = chooseForTraffic(entry, lambda).index;
      const bestAt = (cheaper: boolean) => entry[b].mean + (cheaper ? correct(entry[b].id).asBest : 0);
      const at = (i: number, cheaper: boolean) =>
        i === b ? bestAt(cheaper) : entry[i].mean + correct(entry[i].id).asChosen;
      // Exploration spends about eps/2 of the traffic on each side: counted as a share eps/2 of each entry.
      let others = 0;
      for (let i = 0; i < entry.length; i++) if (i !== pick) others += at(i, pick !== b);
      const alt = pick !== b ? at(b, true) : others / (entry.length - 1);
      kept += (1 - eps / 2) * at(pick, pick !== b) + (eps / 2) * alt;
      best += bestAt(pick !== b);
    }
    return best > 0 ? kept / best : 1;
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
    this.sinceRefresh = 0;
    this.lambdas.clear();
    for (const [floor, lambda] of state.lambdas.slice(-this.options.maxFloors)) {
      if (!(floor >= 0 && floor <= 1 && lambda >= 0 && Number.isFinite(lambda)))
        throw new RangeError('learner snapshot: calibrator.lambdas must hold [floor 0..1, lambda >= 0] pairs');
      this.lambdas.set(floor, lambda);
    }
  }
}
