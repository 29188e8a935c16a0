import { Controller, HttpCode, Post } from '@nestjs/common';
import { ConfigReloadService, ReloadResult } from './config-reload.service';

/** POST /admin/reload (admin scope, see the auth route table): the same reload as SIGHUP, with its outcome. */
@Controller('admin')
export class ConfigReloadController {
  constructor(private readonly reloader: ConfigReloadService) {}

  @Post('reload')
  @HttpCode(200)
  reload(): Promise<ReloadResult> {
    return this.reloader.reload();
  }
}
