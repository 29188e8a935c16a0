import { Global, Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';
import { AuthMiddleware } from './auth.middleware';

/**
 * API keys and the bearer-key check. The middleware is installed by configureHttp (bootstrap/gateway.ts)
 * with app.use, ahead of the body parser and every route.
 */
@Global()
@Module({
  providers: [ApiKeysService, AuthMiddleware],
  exports: [ApiKeysService, AuthMiddleware],
})
export class AuthModule {}
