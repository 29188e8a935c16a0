import { Global, Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { ApiKey } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthMiddleware } from './auth.middleware';

/**
 * API keys and the bearer-key check. The middleware is installed by configureHttp (bootstrap/gateway.ts)
 * with app.use, ahead of the body parser and every route.
 */
@Global()
@ModuleEntities([ApiKey])
@Module({
  providers: [ApiKeysRepository, ApiKeysService, AuthMiddleware],
  exports: [ApiKeysService, AuthMiddleware],
})
export class AuthModule {}
