import { Global, Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';
import { AuthMiddleware } from './auth.middleware';
import { RateLimitMiddleware } from './rate-limit.middleware';

/**
 * API keys, the bearer-key check and the per-caller rate limit. The two middlewares are installed by
 * configureHttp (bootstrap/gateway.ts) with app.use, ahead of the body parser and every route.
 */
@Global()
@Module({
  providers: [ApiKeysService, AuthMiddleware, RateLimitMiddleware],
  exports: [ApiKeysService, AuthMiddleware, RateLimitMiddleware],
})
export class AuthModule {}
