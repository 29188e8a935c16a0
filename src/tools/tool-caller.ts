import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ForbiddenError, InternalError, NotFoundError, toDomainError } from '../errors';
import { deepJsonError, tooDeepPath } from '../common/json-depth';
import { logFailure } from '../common/logging/log-failure';
import { ToolRegistry } from './tool-registry';
import { RegisteredTool, ToolContext } from './tool.types';

/** A tool's answer, with the tool (the MCP door renders its text). */
export interface ToolAnswer {
  tool: RegisteredTool;
  result: unknown;
}

/** Looks a tool up, checks the caller's scopes and runs it; both doors use this one path. */
@Injectable()
export class ToolCaller {
  private readonly logger = new Logger('Tools');

  constructor(private readonly registry: ToolRegistry) {}

  /** True when the caller may call a tool of this scope (no scopes: an open gateway or stdio; admin: all). */
  static permits(ctx: Pick<ToolContext, 'scopes'>, scope: string): boolean {
    return !ctx.scopes || ctx.scopes.includes(scope) || ctx.scopes.includes('admin');
  }

  /**
   * Runs tool `name` for the caller in `ctx`.
   * @throws NotFoundError (code unknown_tool) for a name no tool has
   * @throws ForbiddenError (code insufficient_scope) when the caller's key lacks the tool's scope
   * @throws InvalidInputError (code too_deeply_nested) for arguments nested deeper than MAX_JSON_DEPTH
   * @throws DomainError whatever the tool throws: InvalidInputError for input its schema refuses,
   *   UnavailableError while the database is down, InternalError (logged) for anything unforeseen
   */
  async call(name: string, input: unknown, ctx: ToolContext): Promise<ToolAnswer> {
    const tool = this.registry.get(name);
    if (!tool) throw new NotFoundError(`unknown tool "${name}"`, { code: 'unknown_tool' });
    if (!ToolCaller.permits(ctx, tool.scope))
      throw new ForbiddenError(`tool "${name}" needs the "${tool.scope}" scope`, { code: 'insufficient_scope' });
    // REST and OpenAI/Anthropic bodies are checked as they arrive (refuseDeepJson); MCP's arguments here.
    const deep = tooDeepPath(input);
    if (deep) throw deepJsonError(deep);
    try {
      return { tool, result: await tool.invoke(input, ctx) };
    } catch (err) {
      throw this.failure(name, err);
    }
  }

  private failure(name: string, err: unknown): DomainError {
    const failure = toDomainError(err);
    logFailure(this.logger, failure, `tool ${name}`);
    if (failure.kind !== 'internal') return failure;
    return new InternalError(`tool "${name}" failed with an internal error; it has been logged`, {
      code: failure.code,
      cause: failure.cause,
    });
  }
}
