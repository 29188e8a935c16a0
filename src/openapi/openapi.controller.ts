import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { dirname, join } from 'node:path';
import { OpenApiService } from './openapi.service';

/** Swagger UI's files, from the installed swagger-ui-dist package (never a CDN). */
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const UI_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** Everything from this gateway: Swagger UI sets inline styles on its elements, nothing else is relaxed. */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ai-mcp-gateway API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/docs.js"></script></body>
</html>
`;

/** validatorUrl null: Swagger UI would otherwise send the document to an online validator. */
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', validatorUrl: null, deepLinking: true });\n`;

/** GET /openapi.json and the browsable GET /docs (Swagger UI served from node_modules). */
@Controller()
export class OpenApiController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get('openapi.json')
  document(): Record<string, unknown> {
    return this.openapi.document();
  }

  @Get('docs')
  page(@Res() res: Response): void {
    res.set({ 'content-security-policy': DOCS_CSP, 'x-content-type-options': 'nosniff' });
    res.type('text/html').send(PAGE);
  }

  @Get('docs/:file')
  file(@Param('file') file: string, @Res() res: Response): void {
    res.set({
      'content-security-policy': DOCS_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=3600',
    });
    if (file === 'docs.js') {
      res.type('application/javascript; charset=utf-8').send(INIT);
      return;
    }
    const type = Object.hasOwn(UI_FILES, file) ? UI_FILES[file] : undefined;
    if (!type) throw new NotFoundException(`no such file: /docs/${file}`);
    res.type(type).sendFile(join(SWAGGER_UI_DIR, file));
  }
}
