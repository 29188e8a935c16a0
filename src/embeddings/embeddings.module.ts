import { Module } from '@nestjs/common';
import { ProvidersModule } from '../providers/providers.module';
import { RecordingModule } from '../recording/recording.module';
import { EmbeddingsController } from './embeddings.controller';
import { EmbeddingsService } from './embeddings.service';

/** POST /v1/embeddings: models of kind `embedding`, costed and recorded. */
@Module({
  imports: [ProvidersModule, RecordingModule],
  controllers: [EmbeddingsController],
  providers: [EmbeddingsService],
  exports: [EmbeddingsService],
})
export class EmbeddingsModule {}
