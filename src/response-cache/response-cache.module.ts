import { Module } from '@nestjs/common';
import { ResponseCacheService } from './response-cache.service';

/** The response cache: exact-match answers of deterministic chat requests (config `cache`). */
@Module({
  providers: [ResponseCacheService],
  exports: [ResponseCacheService],
})
export class ResponseCacheModule {}
