import { Injectable } from '@nestjs/common';
import { RecorderService } from '../recording/recorder.service';
import { InvalidInputError, NotFoundError } from '../errors';
import { LearnedModelPolicy } from './learned-policy';
import { OutcomesService } from './outcomes.service';

export interface FeedbackInput {
  requestId: string;
  /** 0-1; or give success. */
  score?: number;
  success?: boolean;
}

export interface FeedbackResult {
  requestId: string;
  score: number;
  previous: number | null;
  model: string;
  taskType: string;
}

/** record_feedback and POST /v1/feedback: a request's outcome as judged by the caller; it enters the reward. */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly outcomes: OutcomesService,
    private readonly policy: LearnedModelPolicy,
    private readonly recorder: RecorderService,
  ) {}

  /**
   * Sets the caller's score of a routed request.
   * @throws InvalidInputError (field `score`) when neither score nor success is given
   * @throws NotFoundError for a request id never logged
   */
  async record(input: FeedbackInput): Promise<FeedbackResult> {
    const score = input.score ?? (input.success === undefined ? undefined : input.success ? 1 : 0);
    if (score === undefined || !Number.isFinite(score) || score < 0 || score > 1)
      throw InvalidInputError.field('score', 'give score (0-1) or success (true/false)');
    let change = await this.outcomes.setFeedback(input.requestId, score);
    if (!change && this.recorder.isPending(input.requestId)) {
      // The request still sits in the recorder's batch: write it, then try again (an unknown id writes nothing).
      await this.recorder.flush();
      change = await this.outcomes.setFeedback(input.requestId, score);
    }
    if (!change) throw new NotFoundError(`no routed request has the id "${input.requestId}"`);
    this.policy.applyFeedback(change);
    return {
      requestId: input.requestId,
      score,
      previous: change.previous,
      model: change.model,
      taskType: change.taskType,
    };
  }
}
