import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { Logger } from 'pino';
import { requestLogBinding } from './request-logger';

const ROOT_LOGGER = Symbol('rootLogger');

/**
 * Binds each request's logger to its async context on every Nest route (the lean chat routes run the same
 * binding as their last layer): Nest's logger lines inside a request carry its reqId. Nest applies module
 * middleware after the app-level middleware, so this runs after the body parsers, as it must.
 */
@Module({})
export class RequestLoggingModule implements NestModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: RequestLoggingModule, providers: [{ provide: ROOT_LOGGER, useValue: logger }] };
  }

  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestLogBinding(this.logger)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
