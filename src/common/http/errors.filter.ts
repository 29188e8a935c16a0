import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { ServerResponse } from 'node:http';
import {
  ConflictError,
  DomainError,
  DomainErrorOptions,
  ForbiddenError,
  InvalidInputError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  toDomainError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from '../../errors';
import { logFailure } from '../logging/log-failure';
import { doorOfRequest } from './doors';
import { writeError } from './error-shapes';

type ErrorClass = new (message: string, options?: DomainErrorOptions) => DomainError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: InvalidInputError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  429: RateLimitedError,
  502: UpstreamError,
  503: UnavailableError,
  504: TimeoutError,
};

/** Nest's own HTTP exceptions (an unknown route's 404, a malformed URL's 400) as domain errors. */
export function fromHttpException(exception: HttpException): DomainError {
  const status = exception.getStatus();
  const type = BY_STATUS[status] ?? (status < 500 ? InvalidInputError : undefined);
  return type ? new type(exception.message) : toDomainError(exception);
}

/**
 * The global filter: whatever a controller (or Nest itself) throws is answered in the shape of the
 * door the request came through (error-shapes.ts), never with internals.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const err = exception instanceof HttpException ? fromHttpException(exception) : toDomainError(exception);
    // A domain error was logged (if at all) where it was made; only what arrives raw is logged here.
    if (!(exception instanceof DomainError)) logFailure(this.logger, err, `${req.method} ${req.path}`);
    writeError(http.getResponse<ServerResponse>(), doorOfRequest(req), err);
  }
}
