import { Global, Module } from '@nestjs/common';
import { RateLimitMiddleware } from './rate-limit.middleware';

/**
 * Protections that are not about who the caller is: the per-caller rate limit (memory or Redis) and
 * the safe-bind check. The middleware is installed by configureHttp (bootstrap/gateway.ts).
 */
@Global()
@Module({
  providers: [RateLimitMiddleware],
  exports: [RateLimitMiddleware],
})
export class SecurityModule {}
