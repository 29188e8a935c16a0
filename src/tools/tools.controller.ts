import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MethodNotAllowedError } from '../errors';
import { coerceQuery } from './query-coercion';
import { ToolRegistry } from './tool-registry';
import { ToolCaller } from './tool-caller';
import type { ToolContext } from './tool.types';

type CallerRequest = Request & { id?: string; auth?: { scopes?: readonly string[]; keyId?: number } };

function contextOf(req: CallerRequest): ToolContext {
  return { transport: 'rest', requestId: req.id, scopes: req.auth?.scopes, keyId: req.auth?.keyId };
}

/**
 * REST door to the registry: thin; the registry and the services hold the logic. A tool's result is
 * the 200 body; a refusal is thrown and answered by the global filter as `{ error, kind, issues }`.
 */
@Controller('tools')
export class ToolsController {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly caller: ToolCaller,
  ) {}

  /** The tools the caller's key may call (as MCP's tools/list): the others would be refused. */
  @Get()
  list(@Req() req: CallerRequest): { tools: unknown[] } {
    const context = contextOf(req);
    return { tools: this.registry.describe().filter((t) => ToolCaller.permits(context, t.scope)) };
  }

  @Get(':name')
  async get(
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
    @Req() req: CallerRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const tool = this.registry.get(name);
    if (tool && !tool.readOnly) {
      res.setHeader('allow', 'POST');
      throw new MethodNotAllowedError(`tool "${name}" changes state; call it with POST /tools/${name}`);
    }
    const described = this.registry.describe().find((t) => t.name === name);
    const input = described ? coerceQuery(query, described.inputSchema) : query;
    return (await this.caller.call(name, input, contextOf(req))).result;
  }

  @Post(':name')
  @HttpCode(200)
  async post(@Param('name') name: string, @Body() body: unknown, @Req() req: CallerRequest): Promise<unknown> {
    return (await this.caller.call(name, body ?? {}, contextOf(req))).result;
  }
}
