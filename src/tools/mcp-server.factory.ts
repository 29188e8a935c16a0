import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { APP_VERSION } from '../common/app-info';
import { ToolCaller } from './tool-caller';
import { ToolRegistry } from './tool-registry';
import { ToolContext } from './tool.types';

/** Builds MCP servers (one per session or stdio connection) over the one tool registry. */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly caller: ToolCaller,
  ) {}

  create(context: Omit<ToolContext, 'requestId'>): Server {
    const server = new Server(
      { name: 'ai-mcp-gateway', version: APP_VERSION },
      { capabilities: { tools: { listChanged: false } } },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.registry.describe().map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema as { type: 'object' },
        outputSchema: t.outputSchema as { type: 'object' },
        annotations: { readOnlyHint: t.readOnly },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
      const name = request.params.name;
      if (!this.registry.get(name)) throw new McpError(ErrorCode.InvalidParams, `unknown tool "${name}"`);
      // A fresh id per call: JSON-RPC ids repeat across sessions and would collide in request_log.
      const outcome = await this.caller.call(name, request.params.arguments ?? {}, {
        ...context,
        requestId: randomUUID(),
      });
      if (!outcome.ok) return { isError: true, content: [{ type: 'text', text: outcome.error }] };
      const text = outcome.tool.text ? outcome.tool.text(outcome.result) : JSON.stringify(outcome.result, null, 2);
      return { content: [{ type: 'text', text }], structuredContent: outcome.result as Record<string, unknown> };
    });
    return server;
  }
}
