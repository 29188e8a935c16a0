import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InvalidInputError } from '../errors';
import { FeedbackResult, FeedbackService } from './feedback.service';
import { recordFeedbackInput } from './optimizer.schemas';

/**
 * POST /v1/feedback: the same logic as the record_feedback tool, next to the OpenAI-compatible API.
 * Refusals are domain errors, answered in OpenAI's shape by the global filter.
 */
@Controller('v1')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  /**
   * @throws InvalidInputError (code invalid_request, param = the field) for a body the schema refuses
   * @throws NotFoundError for a request id never logged
   */
  @Post('feedback')
  @HttpCode(200)
  async record(@Body() body: unknown): Promise<FeedbackResult> {
    const parsed = recordFeedbackInput.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.join('.');
      throw new InvalidInputError(`${param || 'body'}: ${issue.message}`, {
        code: 'invalid_request',
        param: param || undefined,
      });
    }
    return this.feedback.record(parsed.data);
  }
}
