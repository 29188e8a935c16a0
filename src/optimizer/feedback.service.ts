import { Injectable } from '@nestjs/common';
import { RecorderService } from '../recording/recorder.service';
import { ToolError } from '../tools/tool.types';
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

  /** Throws ToolError invalid_input without a score, not_found for a request id never logged. */
  async record(input: FeedbackInput): Promise<FeedbackResult> {
    const score = input.score ?? (input.success === undefined ? undefined : input.success ? 1 : 0);
    if (score === undefined || !Number.isFinite(score) || score < 0 || score > 1)
      throw ToolError.invalid('score', 'give score (0-1) or success (true/false)');
    let change = await this.outcomes.setFeedback(input.requestId, score);
    if (!change && this.recorder.isPending(input.requestId)) {
      // The request still sits in the recorder's batch: write it, then try again (an unknown id writes nothing).
      await this.recorder.flush();
      change = await this.outcomes.setFeedback(input.requestId, score);
    }
    if (!change) throw new ToolError('not_found', `no routed request has the id "${input.requestId}"`);
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
