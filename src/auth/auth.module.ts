import { Global, Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { ApiKey } from './api-key.entity';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysTools } from './api-keys.tools';
import { ApiKeysService } from './api-keys.service';
import { AuthMiddleware } from './auth.middleware';

/**
 * API keys and the bearer-key check. The middleware is installed by configureHttp (bootstrap/gateway.ts)
 * with app.use, ahead of the body parser and every route.
 */
@Global()
@ModuleEntities([ApiKey])
@Module({
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyUsage, AuthMiddleware, ApiKeysTools],
  exports: [ApiKeysService, AuthMiddleware],
})
export class AuthModule {}
