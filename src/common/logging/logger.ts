import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';
import { currentRequestId } from './request-context';

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
    mixin: () => {
      const reqId = currentRequestId();
      return reqId ? { reqId } : {};
    },
  };
  if (pretty) {
    // Synchronous pretty stream (no worker thread), so short-lived CLI runs lose no lines.
    const prettyStream = require('pino-pretty')({
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

/** Nest's logger interface on top of pino, so framework and app logs share one format. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    this.write('error', message, context ?? traceOrContext);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    message: unknown,
    context?: string,
  ): void {
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }

  flush(): void {
    this.pino.flush();
  }
}
