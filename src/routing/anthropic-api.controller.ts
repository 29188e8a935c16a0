import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AnthropicMessagesPresenter } from './anthropic-messages.presenter';
import { QUALITY_FLOOR_HEADER } from './quality-floor-header';
import { callerOf } from './presenter-io';

/**
 * The Anthropic Messages API (what the Anthropic SDKs and Claude Code speak, with ANTHROPIC_BASE_URL set
 * to the gateway). Thin: the presenter writes HTTP, the service validates and routes. The query string
 * (`?beta=true`) and the anthropic-version and anthropic-beta headers are accepted and need nothing.
 */
@Controller('v1/messages')
export class AnthropicApiController {
  constructor(private readonly presenter: AnthropicMessagesPresenter) {}

  @Post()
  messages(@Req() req: Request & { id?: string }, @Res() res: Response): Promise<void> {
    return this.presenter.messages(
      req.body,
      req.id ?? `req-${Date.now()}`,
      res,
      callerOf(req),
      req.headers[QUALITY_FLOOR_HEADER],
    );
  }

  @Post('count_tokens')
  countTokens(@Req() req: Request, @Res() res: Response): void {
    this.presenter.countTokens(req.body, res);
  }
}
