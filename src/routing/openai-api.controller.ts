import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OpenAiApiService } from './openai-api.service';
import { callerOf } from './presenter-io';
import { OpenAiChatPresenter } from './openai-chat.presenter';
import { QUALITY_FLOOR_HEADER } from './quality-floor-header';

/** OpenAI-compatible endpoints; thin: the service validates and routes, the presenter writes HTTP. */
@Controller('v1')
export class OpenAiApiController {
  constructor(
    private readonly api: OpenAiApiService,
    private readonly chat: OpenAiChatPresenter,
  ) {}

  @Get('models')
  models(): ReturnType<OpenAiApiService['models']> {
    return this.api.models();
  }

  @Post('chat/completions')
  chatCompletions(@Req() req: Request & { id?: string }, @Res() res: Response): Promise<void> {
    const id = req.id ?? `req-${Date.now()}`;
    return this.chat.chatCompletions(req.body, id, res, callerOf(req), req.headers[QUALITY_FLOOR_HEADER]);
  }
}
