import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * 200 while the process serves, with status ok or degraded (a check in trouble, or the database down:
   * routing goes on from memory and records wait in the recorder's buffer; see databaseReachable).
   */
  @Get('health')
  async get(@Res() res: Response): Promise<void> {
    res.status(200).json(await this.health.report());
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
