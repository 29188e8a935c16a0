/**
 * The domain error catalogue: what services throw. Each error has a kind (how every door maps it), a
 * stable code (what clients match on) and optional issues (one per offending field). Nothing here
 * knows HTTP, MCP or the OpenAI shape: common/http/error-shapes.ts maps kinds per door.
 */
export type ErrorKind =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'upstream'
  | 'timeout'
  | 'unavailable'
  | 'cancelled'
  | 'internal';

export interface ErrorIssue {
  /** Dotted path of the offending field, or "(root)". */
  path: string;
  message: string;
}

export interface DomainErrorOptions {
  /** Stable machine-readable code; defaults to the kind. */
  code?: string;
  /** The request field the error is about (OpenAI's `param`). */
  param?: string;
  issues?: ErrorIssue[];
  /** How long the client should wait before retrying (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly param?: string;
  readonly issues: ErrorIssue[];
  readonly retryAfterMs?: number;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? '';
    this.param = options.param;
    this.issues = options.issues ?? [];
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The stable code: the one given, else the kind. */
  get errorCode(): string {
    return this.code || this.kind;
  }
}

/** The caller sent something the gateway will not take (a field, a value, a combination). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid_input';

  /** One offending field found by a service: "<path>: <reason>" (schema checks prefix "Invalid input: "). */
  static field(
    path: string,
    reason: string,
    options: Omit<DomainErrorOptions, 'issues' | 'param'> = {},
  ): InvalidInputError {
    return new InvalidInputError(`${path}: ${reason}`, {
      ...options,
      param: path,
      issues: [{ path, message: reason }],
    });
  }
}

/** A base class per kind, so that each error below is one line. */
function ofKind<K extends ErrorKind>(kind: K) {
  return class extends DomainError {
    readonly kind: K = kind;
  };
}

export class UnauthorizedError extends ofKind('unauthorized') {}
export class ForbiddenError extends ofKind('forbidden') {}
export class NotFoundError extends ofKind('not_found') {}
/** The write clashes with what is stored (a unique name taken, a state that forbids it). */
export class ConflictError extends ofKind('conflict') {}
export class PayloadTooLargeError extends ofKind('payload_too_large') {}
/** The request body is not in a format the gateway reads (it reads JSON). */
export class UnsupportedMediaTypeError extends ofKind('unsupported_media_type') {}
/** The operation exists but not this way (a tool that writes, asked for with a read). */
export class MethodNotAllowedError extends ofKind('method_not_allowed') {}
export class RateLimitedError extends ofKind('rate_limited') {}
/** A spending limit (per key or global) would be passed. */
export class BudgetExceededError extends ofKind('budget_exceeded') {}
/** A model provider failed to answer usefully (after retries and fallbacks). */
export class UpstreamError extends ofKind('upstream') {}
/** No answer within the deadline. */
export class TimeoutError extends ofKind('timeout') {}
/** Something the gateway needs (the database, every candidate model) cannot serve right now; retry later. */
export class UnavailableError extends ofKind('unavailable') {}

/** The caller went away before the answer; nobody is left to tell, so doors only end the exchange. */
export class CancelledError extends ofKind('cancelled') {}
/** Something the gateway did not foresee (a bug): logged with its cause, answered without internals. */
export class InternalError extends ofKind('internal') {}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
