import type { LoggerService } from '@nestjs/common';
import type { DomainError } from '../../errors';

/**
 * The log line for a failure a door answers: an unexpected one with its cause's stack (the client
 * got a message without internals), a database outage as a warning. Other kinds are the caller's
 * doing and are not logged.
 */
export function logFailure(logger: LoggerService, err: DomainError, what: string): void {
  if (err.kind === 'internal') {
    const cause = err.cause as Error | undefined;
    logger.error(`${what} failed: ${cause?.stack ?? String(cause ?? err.message)}`);
  } else if (err.code === 'database_unavailable') {
    logger.warn(`${what}: ${err.message}`);
  }
}
