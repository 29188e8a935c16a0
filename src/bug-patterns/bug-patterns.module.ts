import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { BugPattern } from './bug-pattern.entity';
import { BugPatternsRepository } from './bug-patterns.repository';
import { BugPatternsService } from './bug-patterns.service';
import { BugPatternsTools } from './bug-patterns.tools';

@ModuleEntities([BugPattern])
@Module({
  providers: [BugPatternsRepository, BugPatternsService, BugPatternsTools],
  exports: [BugPatternsService],
})
export class BugPatternsModule {}
