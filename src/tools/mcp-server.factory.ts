import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { APP_VERSION } from '../common/app-info';
import { jsonRpcError, toolErrorResult } from '../common/http/error-shapes';
import { NotFoundError, toDomainError } from '../errors';
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
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      // Only what the caller's key may call (the others would be refused).
      tools: this.registry
        .describe()
        .filter((t) => ToolCaller.permits(context, t.scope))
        .map((t) => ({
          name: t.name,
          description: t.description,
          inputSchema: t.inputSchema as { type: 'object' },
          outputSchema: t.outputSchema as { type: 'object' },
          annotations: { readOnlyHint: t.readOnly },
        })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
      const name = request.params.name;
      // An unknown tool is a protocol error (-32602); a tool that fails answers a result with isError.
      if (!this.registry.get(name))
        throw jsonRpcError(new NotFoundError(`unknown tool "${name}"`, { code: 'unknown_tool' }));
      try {
        // A fresh id per call: JSON-RPC ids repeat across sessions and would collide in request_log.
        const { tool, result } = await this.caller.call(name, request.params.arguments ?? {}, {
          ...context,
          requestId: randomUUID(),
        });
        const text = tool.text ? tool.text(result) : JSON.stringify(result, null, 2);
        return { content: [{ type: 'text', text }], structuredContent: result as Record<string, unknown> };
      } catch (err) {
        return toolErrorResult(toDomainError(err));
      }
    });
    return server;
  }
}
