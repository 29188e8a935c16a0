import {
  CancelledError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  UpstreamError,
} from '../errors';

/** The stable codes of a request the router could not serve: clients match on them (`code` of the error). */
export type RoutingErrorCode =
  | 'invalid_request'
  | 'model_not_found'
  | 'no_available_model'
  | 'circuit_open'
  | 'deadline_exceeded'
  | 'upstream_timeout'
  | 'upstream_bad_request'
  | 'upstream_error'
  | 'upstream_rate_limited'
  | 'context_length_exceeded'
  | 'images_not_supported'
  | 'unsupported_parameter'
  | 'client_closed';

type ErrorClass = new (message: string, options?: ConstructorParameters<typeof UpstreamError>[1]) => DomainError;

/** The catalogue kind of each code (and so its status at every door: 400, 404, 429, 503, 504, 502, 499). */
const KIND: Record<RoutingErrorCode, ErrorClass> = {
  invalid_request: InvalidInputError,
  model_not_found: NotFoundError,
  no_available_model: UnavailableError,
  circuit_open: UnavailableError,
  deadline_exceeded: TimeoutError,
  upstream_timeout: TimeoutError,
  upstream_bad_request: InvalidInputError,
  upstream_error: UpstreamError,
  upstream_rate_limited: RateLimitedError,
  context_length_exceeded: InvalidInputError,
  images_not_supported: InvalidInputError,
  unsupported_parameter: InvalidInputError,
  client_closed: CancelledError,
};

export interface RoutingErrorOptions {
  /** The request field at fault (OpenAI's `param`). */
  param?: string;
  /** Upstream's Retry-After, passed on to the client. */
  retryAfterMs?: number;
  /** The last provider error, for the log. */
  cause?: unknown;
}

/** The domain error for a routing failure, carrying its stable code. */
export function routingError(code: RoutingErrorCode, message: string, options: RoutingErrorOptions = {}): DomainError {
  return new KIND[code](message, { ...options, code });
}
