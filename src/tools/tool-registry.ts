import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { z } from 'zod';
import { portableSchema } from './portable-schema';
import { TOOL_METADATA } from './tool.decorator';
import { ErrorIssue, InvalidInputError } from '../errors';
import { RegisteredTool, ToolContext, ToolDeclaration } from './tool.types';

type ToolMethod = (input: unknown, ctx: ToolContext) => Promise<unknown>;

export interface ToolDescription {
  name: string;
  description: string;
  readOnly: boolean;
  scope: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
}

/** Finds every @Tool method at start; REST and MCP both serve what is registered here. */
@Injectable()
export class ToolRegistry implements OnModuleInit {
  private readonly logger = new Logger('Tools');
  private readonly tools = new Map<string, RegisteredTool>();
  private described?: ToolDescription[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const declaration = this.reflector.get<ToolDeclaration>(TOOL_METADATA, proto[method] as () => unknown);
        if (declaration)
          this.register(declaration, (input, ctx) => (instance[method] as ToolMethod).call(instance, input, ctx));
      }
    }
    this.logger.log(`${this.tools.size} tools registered`);
  }

  /** Adds a tool; a second declaration of the same name is a programming error. */
  register(declaration: ToolDeclaration, handler: (input: unknown, ctx: ToolContext) => Promise<unknown>): void {
    if (this.tools.has(declaration.name)) throw new Error(`tool "${declaration.name}" is declared twice`);
    const scope = declaration.scope ?? (declaration.readOnly ? 'tools:read' : 'tools:write');
    const invoke = async (raw: unknown, ctx: ToolContext) => {
      const parsed = declaration.input.safeParse(raw ?? {});
      if (!parsed.success) throw invalidInput(parsed.error, raw);
      const result = await handler(parsed.data, ctx);
      const checked = declaration.output.safeParse(result);
      if (!checked.success) {
        this.logger.error(
          `tool ${declaration.name} returned data that does not match its output schema: ${z.prettifyError(checked.error)}`,
        );
        throw new Error(`tool ${declaration.name} produced an invalid result`);
      }
      return checked.data;
    };
    this.tools.set(declaration.name, { ...declaration, scope, invoke });
    this.described = undefined;
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  list(): RegisteredTool[] {
    return [...this.tools.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** JSON Schemas of every tool (computed once). */
  describe(): ToolDescription[] {
    this.described ??= this.list().map((t) => ({
      name: t.name,
      description: t.description,
      readOnly: Boolean(t.readOnly),
      scope: t.scope,
      inputSchema: toJsonSchema(t.input, 'input'),
      outputSchema: toJsonSchema(t.output, 'output'),
    }));
    return this.described;
  }
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return portableSchema(json);
}

/** A schema's refusal as the one error a caller sees: every offending field named, "Invalid input: " first. */
export function invalidInput(error: z.ZodError, input?: unknown): InvalidInputError {
  const issues: ErrorIssue[] = error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message:
      i.path.length && i.code !== 'unrecognized_keys' && valueAt(input, i.path) === undefined
        ? 'is required'
        : describeIssue(i),
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new InvalidInputError(`Invalid input: ${summary}`, { issues });
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  return issue.message;
}
