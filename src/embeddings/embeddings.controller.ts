import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { EmbeddingsService } from './embeddings.service';

/** POST /v1/embeddings (OpenAI's shape; errors in OpenAI's shape through the global filter). */
@Controller('v1')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post('embeddings')
  @HttpCode(200)
  create(@Body() body: unknown, @Req() req: Request & { id?: string }): ReturnType<EmbeddingsService['embed']> {
    return this.embeddings.embed(body, req.id ?? `req-${Date.now()}`);
  }
}
