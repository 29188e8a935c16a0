import { InvalidInputError } from '../../errors';

/**
 * The operator's aim, and how one decision follows it.
 *
 * - `quality-floor`: keep at least `floor` x the best model's quality, as cheaply as possible.
 *   Scope `traffic` (default) holds the floor over the traffic: each request goes to the model with the
 *   best quality - lambda x relative cost, lambda being the largest price of quality that keeps the
 *   estimated quality of recent requests at or above floor x the best model's (FloorCalibrator). Cheap
 *   answers go where they lose least per dollar saved. Scope `request` holds it on every request: the
 *   cheapest model whose quality is at least floor x the best model's for that request.
 *   Both judge a cheaper model by its lower confidence bound and the best model by its mean, so a model
 *   with thin evidence must look clearly good enough; the bound closes as evidence grows.
 * - `cost-weight`: today's utility, a Thompson draw of the quality - costWeight x relative cost - penalty,
 *   choosing the cheapest model within `margin` of the best.
 */
export type Objective =
  | { kind: 'quality-floor'; floor: number; scope: 'traffic' | 'request' }
  | { kind: 'cost-weight'; costWeight: number; margin: number };

/** What the learner believes of one candidate for one request. */
export interface CandidateEstimate {
  id: string;
  /** This request's estimated cost relative to the dearest candidate's (0..1). */
  relativeCost: number;
  /** Expected quality (probability of a good answer: answered x graded good). */
  mean: number;
  /** Lower and upper confidence bounds of the quality. */
  lower: number;
  upper: number;
  /** One draw from the posterior (Thompson sampling). */
  sample: number;
  /** Extra utility penalty of the cost-weight objective (latency), 0 when none. */
  penalty: number;
}

/** The part of an estimate the quality floor looks at. */
export type ScoredEstimate = Pick<CandidateEstimate, 'mean' | 'lower' | 'upper' | 'relativeCost'>;

export type ChoiceReason =
  'only-candidate' | 'explore' | 'best-quality' | 'floor-met' | 'best-utility' | 'cheapest-within-margin';

export interface ObjectiveChoice {
  index: number;
  reason: ChoiceReason;
}

/** Validates an objective from config or a request header; throws naming the field. */
export function checkObjective(o: Objective, field = 'objective'): Objective {
  if (o.kind === 'quality-floor') {
    if (!Number.isFinite(o.floor) || o.floor < 0 || o.floor > 1)
      throw InvalidInputError.field(`${field}.qualityFloor`, 'must be a number between 0 and 1');
    if (o.scope !== 'traffic' && o.scope !== 'request')
      throw InvalidInputError.field(`${field}.scope`, 'must be "traffic" or "request"');
    return o;
  }
  if (o.kind === 'cost-weight') {
    if (!Number.isFinite(o.costWeight) || o.costWeight < 0)
      throw InvalidInputError.field(`${field}.costWeight`, 'must be a number >= 0');
    if (!Number.isFinite(o.margin) || o.margin < 0) throw InvalidInputError.field(`${field}.margin`, 'must be >= 0');
    return o;
  }
  throw InvalidInputError.field(`${field}.kind`, 'must be "quality-floor" or "cost-weight"');
}

/**
 * The reference of the quality floor: the dearest candidate that may be the best (its upper bound reaches
 * the best lower bound). A cheaper model becomes the bar only when it is clearly better; one with thin
 * evidence, or a dear one measured mostly on the hard requests it was sent, does not flip the bar (that
 * would send everything to the cheap model with nothing left to show the mistake).
 */
export function referenceIndex(estimates: readonly ScoredEstimate[]): number {
  let bestLower = -Infinity;
  for (const e of estimates) if (e.lower > bestLower) bestLower = e.lower;
  let ref = -1;
  for (let i = 0; i < estimates.length; i++) {
    const e = estimates[i];
    if (e.upper < bestLower) continue;
    if (
      ref < 0 ||
      e.relativeCost > estimates[ref].relativeCost ||
      (e.relativeCost === estimates[ref].relativeCost && e.mean > estimates[ref].mean)
    )
      ref = i;
  }
  return ref;
}

/** Scope `request`: the cheapest candidate whose lower bound reaches floor x the reference's mean. */
export function chooseForRequest(estimates: readonly ScoredEstimate[], floor: number): ObjectiveChoice {
  const best = referenceIndex(estimates);
  const bar = floor * estimates[best].mean;
  let pick = best;
  for (let i = 0; i < estimates.length; i++) {
    if (i === best || estimates[i].lower < bar) continue;
    if (estimates[i].relativeCost < estimates[pick].relativeCost) pick = i;
  }
  return { index: pick, reason: pick === best ? 'best-quality' : 'floor-met' };
}

/**
 * Scope `traffic`: the candidate with the best conservative quality - lambda x relative cost (the
 * reference counted at its mean, the others at their lower bound), the cheaper one on a tie.
 */
export function chooseForTraffic(estimates: readonly ScoredEstimate[], lambda: number): ObjectiveChoice {
  const best = referenceIndex(estimates);
  let pick = best;
  let top = estimates[best].mean - lambda * estimates[best].relativeCost;
  for (let i = 0; i < estimates.length; i++) {
    if (i === best) continue;
    const score = estimates[i].lower - lambda * estimates[i].relativeCost;
    if (score > top || (score === top && estimates[i].relativeCost < estimates[pick].relativeCost)) {
      pick = i;
      top = score;
    }
  }
  return { index: pick, reason: pick === best ? 'best-quality' : 'floor-met' };
}

/** Cost-weight utility on Thompson draws: the cheapest candidate within `margin` of the best utility. */
export function chooseByUtility(
  estimates: readonly CandidateEstimate[],
  costWeight: number,
  margin: number,
): ObjectiveChoice {
  let top = -Infinity;
  const utility = estimates.map((e) => e.sample - costWeight * e.relativeCost - e.penalty);
  for (const u of utility) if (u > top) top = u;
  let pick = -1;
  for (let i = 0; i < estimates.length; i++) {
    if (utility[i] < top - margin) continue;
    if (pick < 0 || estimates[i].relativeCost < estimates[pick].relativeCost) pick = i;
  }
  return { index: pick, reason: utility[pick] === top ? 'best-utility' : 'cheapest-within-margin' };
}

/** The quality a choice is counted at when holding the floor: the reference's mean, another's lower bound. */
export function conservativeQuality(estimates: readonly ScoredEstimate[], index: number): number {
  return index === referenceIndex(estimates) ? estimates[index].mean : estimates[index].lower;
}
