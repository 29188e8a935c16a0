import { ProviderError, isProviderError } from './errors';
import type { CallOptions } from './types';

/**
 * Turns an aborted signal into the taxonomy: a deadline (a TimeoutError reason or a ProviderError
 * 'timeout') becomes 'timeout', anything else the caller did becomes 'cancelled'.
 */
export function abortError(signal: AbortSignal, what = 'request'): ProviderError {
  const reason: unknown = signal.reason;
  if (isProviderError(reason)) return reason;
  const name = (reason as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError') return new ProviderError('timeout', `${what} timed out`, { cause: reason });
  return new ProviderError('cancelled', `${what} was cancelled`, { cause: reason });
}

/** One attempt's deadline: the caller's signal combined with the attempt's timeoutMs. */
export interface Deadline {
  /** Aborts when the caller aborts or when timeoutMs has passed, whichever comes first. */
  readonly signal: AbortSignal;
  /** The ProviderError ('timeout' or 'cancelled') explaining why the signal aborted. */
  error(): ProviderError;
  /** Throws error() if the signal has aborted. */
  throwIfAborted(): void;
  /** Clears the timer and the listener on the caller's signal; call it in a finally block. */
  dispose(): void;
}

/** Signals that abort by themselves (with a ProviderError 'timeout') within the given ms: see enforcedDeadline. */
const enforced = new WeakMap<AbortSignal, number>();

function noop(): void {
  // nothing to release
}

/**
 * Declares that `options.signal` itself aborts, with a ProviderError 'timeout', no later than
 * `options.timeoutMs` from now (the gateway's executor does so per attempt). startDeadline then uses
 * the signal as it is instead of adding a second controller and timer that could never fire first.
 */
export function enforcedDeadline<T extends CallOptions>(options: T): T {
  enforced.set(options.signal, options.timeoutMs);
  return options;
}

export function startDeadline(options: CallOptions, what = 'request'): Deadline {
  const parent = options.signal;
  const limit = enforced.get(parent);
  if (limit !== undefined && !(options.timeoutMs < limit)) {
    return {
      signal: parent,
      error: () => abortError(parent, what),
      throwIfAborted() {
        if (parent.aborted) throw abortError(parent, what);
      },
      dispose: noop,
    };
  }
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  let timer: NodeJS.Timeout | undefined;
  if (parent.aborted) controller.abort(parent.reason);
  else {
    parent.addEventListener('abort', onParentAbort, { once: true });
    if (Number.isFinite(options.timeoutMs) && options.timeoutMs > 0) {
      timer = setTimeout(
        () => controller.abort(new ProviderError('timeout', `${what} exceeded its ${options.timeoutMs} ms deadline`)),
        options.timeoutMs,
      );
    }
  }
  const signal = controller.signal;
  return {
    signal,
    error: () => abortError(signal, what),
    throwIfAborted() {
      if (signal.aborted) throw abortError(signal, what);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Waits ms milliseconds; rejects with abortError(signal) as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Error codes of sockets and DNS that mean "could not talk to the upstream". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown }; errors?: Array<{ code?: unknown }> } | null;
  const code = e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies anything a transport threw. An aborted deadline wins (the abort is the real cause of
 * whatever the socket reported); ProviderErrors pass through unchanged.
 */
export function toProviderError(err: unknown, opts: { signal?: AbortSignal; what?: string } = {}): ProviderError {
  if (isProviderError(err)) return err;
  const what = opts.what ?? 'request';
  if (opts.signal?.aborted) return abortError(opts.signal, what);
  const message = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof SyntaxError) return new ProviderError('malformed_response', message, { cause: err });
  const code = errorCode(err);
  if (code === 'UND_ERR_ABORTED' || (err as { name?: string })?.name === 'AbortError') {
    return new ProviderError('cancelled', message, { cause: err });
  }
  if (code && TIMEOUT_CODES.has(code)) return new ProviderError('timeout', message, { cause: err });
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('E')))
    return new ProviderError('connection', message, { cause: err });
  return new ProviderError('upstream', message, { cause: err });
}
