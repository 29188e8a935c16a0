/**
 * How often a model answers at all (success versus model failure or timeout), as a Beta posterior with
 * slow forgetting: recent outages weigh more than last month's. Grades do not enter here; the learner
 * multiplies this rate by the graded quality.
 */
export const AVAILABILITY_PRIOR = { mean: 0.97, weight: 20 };
/** Each new outcome scales the older ones by this (an effective memory of about 2,000 outcomes). */
export const AVAILABILITY_DECAY = 0.9995;

export class AvailabilityStats {
  private answered = 0;
  private failed = 0;

  static from(state: readonly [number, number]): AvailabilityStats {
    const [answered, failed] = state;
    if (!(answered >= 0 && failed >= 0 && Number.isFinite(answered + failed)))
      throw new RangeError('learner snapshot: availability must be two counts >= 0');
    const s = new AvailabilityStats();
    s.answered = answered;
    s.failed = failed;
    return s;
  }

  add(success: boolean): void {
    this.answered *= AVAILABILITY_DECAY;
    this.failed *= AVAILABILITY_DECAY;
    if (success) this.answered++;
    else this.failed++;
  }

  /** Posterior mean of the answer rate. */
  mean(): number {
    const { mean, weight } = AVAILABILITY_PRIOR;
    return (mean * weight + this.answered) / (weight + this.answered + this.failed);
  }

  snapshot(): [number, number] {
    return [this.answered, this.failed];
  }
}
