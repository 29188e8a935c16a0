import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { RequestLog } from './request-log.entity';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogService } from './request-log.service';

/** request_log: written by the recorder, read (and given feedback) by the optimizer. */
@ModuleEntities([RequestLog])
@Module({
  providers: [RequestLogRepository, RequestLogService],
  exports: [RequestLogService],
})
export class RequestLogModule {}
