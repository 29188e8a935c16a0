import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  databaseInputErrorReason,
  DatabaseUnavailableError,
  databaseUnavailableReason,
} from '../database/database.errors';
import { HTTP_STATUS, isDomainError } from '../errors';
import { ToolRegistry } from './tool-registry';
import { RegisteredTool, TOOL_ERROR_STATUS, ToolContext, ToolError } from './tool.types';

export type ToolOutcome =
  | { ok: true; tool: RegisteredTool; result: unknown }
  | { ok: false; status: number; error: string; kind: string; issues: unknown[] };

/** Looks a tool up, checks the caller's scopes and runs it; both doors use this one path. */
@Injectable()
export class ToolCaller {
  private readonly logger = new Logger('Tools');

  constructor(private readonly registry: ToolRegistry) {}

  async call(name: string, input: unknown, ctx: ToolContext): Promise<ToolOutcome> {
    const tool = this.registry.get(name);
    if (!tool) return { ok: false, status: 404, kind: 'not_found', error: `unknown tool "${name}"`, issues: [] };
    if (ctx.scopes && !ctx.scopes.includes(tool.scope) && !ctx.scopes.includes('admin')) {
      return {
        ok: false,
        status: 403,
        kind: 'forbidden',
        error: `tool "${name}" needs the "${tool.scope}" scope`,
        issues: [],
      };
    }
    try {
      return { ok: true, tool, result: await tool.invoke(input, ctx) };
    } catch (err) {
      if (err instanceof ToolError)
        return {
          ok: false,
          status: TOOL_ERROR_STATUS[err.kind],
          kind: err.kind,
          error: err.message,
          issues: err.issues,
        };
      // Interim: domain errors from src/errors map by kind (the global error filter will replace this).
      if (isDomainError(err))
        return { ok: false, status: HTTP_STATUS[err.kind], kind: err.kind, error: err.message, issues: err.issues };
      // The one mapping of "database down" for every tool (both doors): a clear 503, never a 500.
      const down = err instanceof DatabaseUnavailableError ? err.message : databaseUnavailableReason(err);
      if (down !== undefined) {
        const message = err instanceof DatabaseUnavailableError ? down : new DatabaseUnavailableError(down).message;
        this.logger.warn(`tool ${name}: ${message}`);
        return {
          ok: false,
          status: TOOL_ERROR_STATUS.unavailable,
          kind: 'unavailable',
          error: `${message}; retry when it is back`,
          issues: [],
        };
      }
      const refused = databaseInputErrorReason(err);
      if (refused !== undefined)
        return {
          ok: false,
          status: TOOL_ERROR_STATUS.invalid_input,
          kind: 'invalid_input',
          error: `the database refused a value of the input: ${refused}`,
          issues: [],
        };
      this.logger.error(`tool ${name} failed: ${(err as Error)?.stack ?? String(err)}`);
      return {
        ok: false,
        status: 500,
        kind: 'internal',
        error: `tool "${name}" failed with an internal error; it has been logged`,
        issues: [],
      };
    }
  }

  async respond(name: string, input: unknown, req: Request, res: Response): Promise<void> {
    const auth = (req as Request & { auth?: { scopes?: readonly string[]; keyId?: number } }).auth;
    const outcome = await this.call(name, input, {
      transport: 'rest',
      requestId: (req as Request & { id?: string }).id,
      scopes: auth?.scopes,
      keyId: auth?.keyId,
    });
    if (outcome.ok) res.status(200).json(outcome.result);
    else if (outcome.kind === 'unavailable')
      res
        .status(outcome.status)
        .setHeader('retry-after', '5')
        .json({ error: outcome.error, kind: outcome.kind, issues: outcome.issues });
    else res.status(outcome.status).json({ error: outcome.error, kind: outcome.kind, issues: outcome.issues });
  }
}
