import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { coerceQuery } from './query-coercion';
import { ToolRegistry } from './tool-registry';
import { ToolCaller } from './tool-caller';

/** REST door to the registry: thin; the registry and the services hold the logic. */
@Controller('tools')
export class ToolsController {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly caller: ToolCaller,
  ) {}

  @Get()
  list(): { tools: unknown[] } {
    return { tools: this.registry.describe() };
  }

  @Get(':name')
  async get(
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const tool = this.registry.get(name);
    if (tool && !tool.readOnly) {
      res
        .status(405)
        .setHeader('allow', 'POST')
        .json({ error: `tool "${name}" changes state; call it with POST /tools/${name}`, issues: [] });
      return;
    }
    const described = this.registry.describe().find((t) => t.name === name);
    const input = described ? coerceQuery(query, described.inputSchema) : query;
    await this.caller.respond(name, input, req, res);
  }

  @Post(':name')
  async post(
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.caller.respond(name, body ?? {}, req, res);
  }
}
