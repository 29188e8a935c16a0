import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import { deepJsonError, tooDeepPath } from '../json-depth';
import { doorOfRequest } from './doors';
import { writeError } from './error-shapes';

/** What body-parser attaches to the errors it passes on. */
interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  body?: string;
}

/** A request that carries bytes (an empty body with Content-Length: 0 does not). */
function carriesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Installed right after the JSON body parser: a body the parser skipped because of its Content-Type
 * (text/plain, a form...) is refused with 415 instead of reaching a handler as "no body".
 */
export function requireJsonBody(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.body !== undefined || !carriesBody(req)) return next();
    const type = req.headers['content-type'];
    writeError(
      res,
      doorOfRequest(req),
      new UnsupportedMediaTypeError(
        `The request body must be JSON sent with Content-Type: application/json (got ${type ? `"${type}"` : 'no Content-Type'})`,
        { code: 'unsupported_media_type' },
      ),
    );
  };
}

/**
 * Installed after the JSON body parsers: a body nested deeper than MAX_JSON_DEPTH is refused (see there
 * why). Not on the MCP door: a tool's arguments are checked where every tool call passes (ToolCaller), so
 * that MCP clients get the tool result with isError they expect, over HTTP and stdio alike.
 */
export function refuseDeepJson(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const door = doorOfRequest(req);
    const path = door === 'mcp' ? undefined : tooDeepPath(req.body);
    if (!path) return next();
    writeError(res, door, deepJsonError(path));
  };
}

/** The JSON body parser's refusals (malformed, not an object, too large, wrong charset), per door. */
export function bodyParserErrors(limit: string, setting = 'security.bodyLimit'): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    const refusal = bodyRefusal(err as BodyParserError, req, limit, setting);
    if (!refusal) return next(err);
    writeError(res, doorOfRequest(req), refusal);
  };
}

function bodyRefusal(err: BodyParserError, req: Request, limit: string, setting: string): DomainError | undefined {
  if (!err || typeof err.type !== 'string' || !err.status || err.status >= 500) return undefined;
  if (err.type === 'entity.parse.failed') return parseRefusal(err, req);
  if (err.status === 413)
    return new PayloadTooLargeError(`The request body exceeds the size limit of ${limit} (${setting})`, {
      code: 'payload_too_large',
    });
  if (err.status === 415)
    return new UnsupportedMediaTypeError(`The request body must be UTF-8 JSON: ${err.message}`, {
      code: 'unsupported_media_type',
    });
  return new InvalidInputError(`The request body could not be read: ${err.message}`, { code: 'bad_request' });
}

/** Malformed JSON, or valid JSON that is not an object (null, a number, a string): each said as it is. */
function parseRefusal(err: BodyParserError, req: Request): DomainError {
  const scalar = parsedScalar(err.body);
  if (scalar.valid) {
    const wanted = doorOfRequest(req) === 'mcp' ? 'a JSON-RPC message (a JSON object or array)' : 'a JSON object';
    return new InvalidInputError(`The request body must be ${wanted}, not ${describe(scalar.value)}`, {
      code: 'invalid_body',
    });
  }
  return new InvalidInputError(`The request body is not valid JSON: ${err.message}`, { code: 'invalid_json' });
}

function parsedScalar(body: string | undefined): { valid: boolean; value?: unknown } {
  if (body === undefined) return { valid: false };
  try {
    return { valid: true, value: JSON.parse(body) };
  } catch {
    return { valid: false };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}
