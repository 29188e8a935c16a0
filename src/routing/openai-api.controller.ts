import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OpenAiApiService } from './openai-api.service';

/** OpenAI-compatible endpoints; thin: the service validates, routes and shapes the answer. */
@Controller('v1')
export class OpenAiApiController {
  constructor(private readonly api: OpenAiApiService) {}

  @Get('models')
  models(): ReturnType<OpenAiApiService['models']> {
    return this.api.models();
  }

  @Post('chat/completions')
  chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.api.chatCompletions(req, res);
  }
}
