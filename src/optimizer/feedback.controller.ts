import { Body, Controller, HttpCode, HttpException, Post } from '@nestjs/common';
import { TOOL_ERROR_STATUS, ToolError } from '../tools/tool.types';
import { FeedbackResult, FeedbackService } from './feedback.service';
import { recordFeedbackInput } from './optimizer.schemas';

/** POST /v1/feedback: the same logic as the record_feedback tool, next to the OpenAI-compatible API. */
@Controller('v1')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post('feedback')
  @HttpCode(200)
  async record(@Body() body: unknown): Promise<FeedbackResult> {
    const parsed = recordFeedbackInput.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpException(
        {
          error: 'invalid_request',
          message: `${issue.path.join('.') || 'body'}: ${issue.message}`,
          param: issue.path.join('.') || null,
        },
        400,
      );
    }
    try {
      return await this.feedback.record(parsed.data);
    } catch (err) {
      if (err instanceof ToolError)
        throw new HttpException({ error: err.kind, message: err.message }, TOOL_ERROR_STATUS[err.kind]);
      throw err;
    }
  }
}
