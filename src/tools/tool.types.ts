import type { z } from 'zod';

export type ToolScope = 'route' | 'tools:read' | 'tools:write' | 'admin';

/** Who is calling a tool and through which door (set by the REST controller or the MCP adapter). */
export interface ToolContext {
  transport: 'rest' | 'mcp-http' | 'mcp-stdio' | 'internal';
  requestId?: string;
  /** Scopes of the caller's API key; undefined when the gateway runs open (no keys configured). */
  scopes?: readonly string[];
  keyId?: number;
}

export interface ToolDeclaration<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  /** Read-only tools are also served as GET /tools/:name with the query string coerced by `input`. */
  readOnly?: boolean;
  /** Scope needed when API keys are configured; defaults to tools:read for read-only, tools:write otherwise. */
  scope?: ToolScope;
  /** Readable text for MCP clients; defaults to pretty JSON of the result. */
  text?: (result: z.infer<O>) => string;
}

export type ToolHandler<I extends z.ZodType, O extends z.ZodType> = (
  input: z.infer<I>,
  ctx: ToolContext,
) => Promise<z.infer<O>>;

/** A declaration bound to its service instance: what REST and MCP call. */
export interface RegisteredTool extends ToolDeclaration {
  scope: ToolScope;
  invoke: (input: unknown, ctx: ToolContext) => Promise<unknown>;
}
