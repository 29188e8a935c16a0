import { Module } from '@nestjs/common';
import { BugPatternsService } from './bug-patterns.service';
import { BugPatternsTools } from './bug-patterns.tools';

@Module({
  providers: [BugPatternsService, BugPatternsTools],
  exports: [BugPatternsService],
})
export class BugPatternsModule {}
