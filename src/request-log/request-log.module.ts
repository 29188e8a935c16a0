import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { RequestLog } from './request-log.entity';
import { RequestLogReadsRepository } from './request-log-reads.repository';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogService } from './request-log.service';
import { RequestLogTools } from './request-log.tools';

/** request_log: written by the recorder, read (and given feedback) by the optimizer, paged and charted by the read tools. */
@ModuleEntities([RequestLog])
@Module({
  providers: [RequestLogRepository, RequestLogReadsRepository, RequestLogService, RequestLogTools],
  exports: [RequestLogService],
})
export class RequestLogModule {}
