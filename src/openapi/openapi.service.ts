import { Injectable } from '@nestjs/common';
import { APP_VERSION } from '../common/app-info';
import { ToolRegistry } from '../tools/tool-registry';
import { buildOpenApi } from './openapi.document';
import { ROUTES } from './openapi.routes';

/** The OpenAPI document, built once from the declared routes and the registered tools. */
@Injectable()
export class OpenApiService {
  private built?: Record<string, unknown>;

  constructor(private readonly tools: ToolRegistry) {}

  document(): Record<string, unknown> {
    this.built ??= buildOpenApi(ROUTES, this.tools.describe(), APP_VERSION);
    return this.built;
  }
}
