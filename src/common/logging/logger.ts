import type { LoggerService } from '@nestjs/common';
import { Logger as NestjsPinoLogger, PinoLogger as NestjsPinoContext } from 'nestjs-pino';
import pino, { Logger as PinoLogger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** 1 = stdout, 2 = stderr (MCP stdio: stdout carries only protocol). */
  fd?: 1 | 2;
  /** Human-readable lines; defaults to "the destination is a terminal". */
  pretty?: boolean;
}

/** Keys whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'key',
  'password',
  '*.password',
];

export function createLogger(opts: LoggerOptions): PinoLogger {
  const fd = opts.fd ?? 1;
  const pretty = opts.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  const base = {
    level: opts.level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  if (pretty) {
    // Synchronous pretty stream (no worker thread), so short-lived CLI runs lose no lines.
    // Loaded only when a terminal will read the logs (it is a dev-only formatter).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettyStream = (require('pino-pretty') as typeof import('pino-pretty')).build({
      colorize: true,
      destination: fd,
      sync: true,
      ignore: 'pid,hostname',
    });
    return pino(base, prettyStream);
  }
  return pino(base, pino.destination({ dest: fd, sync: false, minLength: 0 }));
}

/** Writes out buffered lines synchronously: call it right before process.exit(). */
export function flushLogger(logger: PinoLogger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void }>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // The destination may not be ready yet (nothing was written); there is nothing to flush then.
  }
}

/**
 * Nest's logger on top of pino (nestjs-pino): inside a request a line goes through that request's
 * child logger (it carries the reqId, see access-log.ts); outside one, through `root`.
 */
export function nestLogger(root: PinoLogger): LoggerService {
  return new NestjsPinoLogger(new NestjsPinoContext({ pinoHttp: { logger: root } }), {});
}
