import type { ProviderError } from '@ai-mcp-gateway/provider-sdk';
import type { ModelCall } from '../recording/recording.types';

export type RoutingErrorCode =
  | 'invalid_request'
  | 'model_not_found'
  | 'no_available_model'
  | 'circuit_open'
  | 'deadline_exceeded'
  | 'upstream_timeout'
  | 'upstream_bad_request'
  | 'upstream_error'
  | 'client_closed';

const STATUS: Record<RoutingErrorCode, number> = {
  invalid_request: 400,
  model_not_found: 404,
  no_available_model: 503,
  circuit_open: 503,
  deadline_exceeded: 504,
  upstream_timeout: 504,
  upstream_bad_request: 400,
  upstream_error: 502,
  client_closed: 499,
};

/** A request the router could not serve; the API maps it to OpenAI's error shape with `status`. */
export class RoutingError extends Error {
  readonly status: number;

  constructor(
    readonly code: RoutingErrorCode,
    message: string,
    readonly extra: {
      param?: string;
      attempts?: number;
      calls?: ModelCall[];
      last?: ProviderError;
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'RoutingError';
    this.status = STATUS[code];
  }

  get type(): string {
    if (this.status === 429) return 'rate_limit_error';
    return this.status >= 500
      ? this.status === 503
        ? 'service_unavailable'
        : 'server_error'
      : 'invalid_request_error';
  }

  /** OpenAI's error envelope. */
  toOpenAi(): { error: { message: string; type: string; code: string; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.extra.param ?? null } };
  }
}
