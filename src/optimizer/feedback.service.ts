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
   * Sets the caller's score of a routed request, by its request id or the completion id the client holds
   * (`chatcmpl-<id>` from /v1/chat/completions, `msg_<id>` from /v1/messages).
   * @throws InvalidInputError (field `score`) when neither score nor success is given
   * @throws NotFoundError for a request id never logged
   */
  async record(input: FeedbackInput): Promise<FeedbackResult> {
    const score = input.score ?? (input.success === undefined ? undefined : input.success ? 1 : 0);
    if (score === undefined || !Number.isFinite(score) || score < 0 || score > 1)
      throw InvalidInputError.field('score', 'give score (0-1) or success (true/false)');
    let requestId = input.requestId;
    let change = await this.setFeedback(requestId, score);
    const bare = requestIdOf(requestId);
    if (!change && bare !== requestId) change = await this.setFeedback((requestId = bare), score);
    if (!change) throw new NotFoundError(`no routed request has the id "${input.requestId}"`);
    this.policy.applyFeedback(change);
    return {
      requestId,
      score,
      previous: change.previous,
      model: change.model,
      taskType: change.taskType,
    };
  }

  /** Sets the score of a logged request, writing the recorder's batch first when the request still sits in it. */
  private async setFeedback(requestId: string, score: number) {
    await this.recorder.written(requestId);
    return this.outcomes.setFeedback(requestId, score);
  }
}

/**
 * The request id behind the id a client holds: the completion id of the OpenAI door (`chatcmpl-<id>`), the
 * message id of the Anthropic door (`msg_<id>`), or the bare request id.
 */
export function requestIdOf(id: string): string {
  if (id.startsWith('chatcmpl-') && id.length > 9) return id.slice(9);
  if (id.startsWith('msg_') && id.length > 4) return id.slice(4);
  return id;
}
