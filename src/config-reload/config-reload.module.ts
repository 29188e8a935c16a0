import { Module } from '@nestjs/common';
import { ProvidersModule } from '../providers/providers.module';
import { ResponseCacheModule } from '../response-cache/response-cache.module';
import { RoutingModule } from '../routing/routing.module';
import { ConfigReloadController } from './config-reload.controller';
import { ConfigReloadService } from './config-reload.service';

/** Reloading gateway.yaml while serving (SIGHUP, POST /admin/reload). */
@Module({
  imports: [ProvidersModule, RoutingModule, ResponseCacheModule],
  controllers: [ConfigReloadController],
  providers: [ConfigReloadService],
  exports: [ConfigReloadService],
})
export class ConfigReloadModule {}
