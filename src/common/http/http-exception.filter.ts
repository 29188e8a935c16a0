import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** Turns body-parser failures into 400/413 and anything unexpected into a 500 without internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const openAi = req.path?.startsWith('/v1/');
    const { status, body } = this.describe(exception, openAi);
    res.status(status).json(body);
  }

  private describe(exception: unknown, openAi: boolean): { status: number; body: unknown } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'string' ? { error: response } : response;
      return { status, body: openAi ? toOpenAiError(status, body) : body };
    }
    const bp = exception as BodyParserError;
    if (bp?.type === 'entity.too.large')
      return this.shape(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'payload_too_large',
        'The request body exceeds the size limit.',
        openAi,
      );
    if (bp?.type === 'entity.parse.failed')
      return this.shape(
        HttpStatus.BAD_REQUEST,
        'invalid_json',
        `The request body is not valid JSON: ${bp.message}`,
        openAi,
      );
    if (bp?.type && bp.status && bp.status >= 400 && bp.status < 500)
      return this.shape(bp.status, 'bad_request', bp.message ?? 'bad request', openAi);
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return this.shape(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'internal_error',
      'An internal error occurred; it has been logged.',
      openAi,
    );
  }

  private shape(status: number, error: string, message: string, openAi: boolean): { status: number; body: unknown } {
    return { status, body: openAi ? toOpenAiError(status, { error, message }) : { error, message } };
  }
}

/** OpenAI's error envelope: { error: { message, type, code, param } }. */
export function toOpenAiError(status: number, body: unknown): unknown {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.error === 'object' && b.error !== null) return b;
  const message = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : 'error';
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 429
          ? 'rate_limit_error'
          : status >= 500
            ? 'server_error'
            : 'invalid_request_error';
  return { error: { message, type, code: typeof b.error === 'string' ? b.error : null, param: b.param ?? null } };
}
