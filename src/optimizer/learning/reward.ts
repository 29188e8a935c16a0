import { InvalidInputError } from '../../errors';

/**
 * How a call ended, as far as the model is concerned. Only what the model itself did teaches the
 * learner: a success, a model failure (an upstream 5xx, a malformed answer) or a timeout at the
 * layer's own deadline. A client abort (the caller hung up), a client error (an upstream 400 caused by
 * the caller's parameters) and a local refusal (circuit open, budget, rate limit: the model was never
 * asked) say nothing about the model and are not learned from.
 */
export const OUTCOME_CLASSES = [
  'success',
  'model_failure',
  'timeout',
  'client_abort',
  'client_error',
  'refused_locally',
] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

const TEACHING: ReadonlySet<OutcomeClass> = new Set(['success', 'model_failure', 'timeout']);

/** One call's outcome and the grades it has received so far. */
export interface OutcomeSignals {
  outcome: OutcomeClass;
  /** The caller's grade, 0..1 (a thumbs-up is 1, a thumbs-down 0). The most authoritative source. */
  feedback?: number;
  /** The judge model's grade, 0..1: used when the caller gave none. */
  judge?: number;
}

export type RewardSource = 'feedback' | 'judge' | 'success' | 'none';

/**
 * What the learner takes from an outcome. `success` teaches the model's availability; `quality` (present
 * only with a grade) teaches how good its answers are. A success without any grade carries no quality
 * information: learning "succeeded = good" would make every model look good and the cheapest one win.
 */
export interface Reward {
  teaches: boolean;
  success?: boolean;
  quality?: number;
  source: RewardSource;
  reason: string;
}

/** Validates a grade: a finite number in 0..1, else an error naming the field. */
export function checkGrade(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw InvalidInputError.field(field, 'must be a number between 0 and 1');
  return value;
}

/** The reward of an outcome, by authority: caller feedback, else the judge, else the call's own success. */
export function resolveReward(signals: OutcomeSignals): Reward {
  if (!(OUTCOME_CLASSES as readonly string[]).includes(signals.outcome))
    throw InvalidInputError.field('outcome', `must be one of ${OUTCOME_CLASSES.join(', ')}`);
  const feedback = signals.feedback === undefined ? undefined : checkGrade(signals.feedback, 'feedback');
  const judge = signals.judge === undefined ? undefined : checkGrade(signals.judge, 'judge');
  if (!TEACHING.has(signals.outcome))
    return { teaches: false, source: 'none', reason: `${signals.outcome} says nothing about the model` };
  if (signals.outcome !== 'success')
    return {
      teaches: true,
      success: false,
      source: 'success',
      reason: `the model did not answer (${signals.outcome})`,
    };
  if (feedback !== undefined)
    return { teaches: true, success: true, quality: feedback, source: 'feedback', reason: 'caller feedback' };
  if (judge !== undefined)
    return { teaches: true, success: true, quality: judge, source: 'judge', reason: 'judge grade' };
  return { teaches: true, success: true, source: 'success', reason: 'answered, not graded' };
}
