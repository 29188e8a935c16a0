import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools/tools.module';
import { OpenApiController } from './openapi.controller';
import { OpenApiService } from './openapi.service';

/** GET /openapi.json (OpenAPI 3.1 of every route and tool) and GET /docs. */
@Module({
  imports: [ToolsModule],
  controllers: [OpenApiController],
  providers: [OpenApiService],
})
export class OpenApiModule {}
