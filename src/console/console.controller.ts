import { Controller, Get, Inject, Logger, OnModuleInit, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthMiddleware } from '../auth/auth.middleware';
import {
  CACHE_IMMUTABLE,
  CACHE_REVALIDATE,
  CACHE_SHORT,
  classifyConsolePath,
  ConsoleAssets,
  notBuiltMessage,
} from './console-assets';

/** No inline script or style, nothing from another origin; the SPA talks only to this gateway. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Serves the built console (libs/console-ui, built by Vite into dist/console) at /console. Client-side
 * routes get index.html; the page itself holds no data: it reads everything through the tool doors with
 * the operator's key, so the files are public (see requirementFor).
 */
@Controller('console')
export class ConsoleController implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(
    private readonly assets: ConsoleAssets,
    @Inject(AuthMiddleware) private readonly auth: Pick<AuthMiddleware, 'open'>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!(await this.assets.isBuilt()))
      this.logger.warn(`the console is not built (${this.assets.dir}): run npm run build to serve /console`);
  }

  @Get()
  root(@Res() res: Response): Promise<void> {
    return this.sendShell(res);
  }

  @Get('*path')
  async file(@Req() req: Request, @Res() res: Response): Promise<void> {
    const relative = req.path.replace(/^\/console\/?/i, '');
    const kind = classifyConsolePath(relative);
    if (kind === 'shell') return this.sendShell(res);
    res.set(SECURITY_HEADERS);
    res.sendFile(
      relative,
      {
        root: this.assets.dir,
        dotfiles: 'deny',
        headers: { 'cache-control': kind === 'asset' ? CACHE_IMMUTABLE : CACHE_SHORT },
        cacheControl: false,
      },
      (err?: Error & { status?: number; statusCode?: number }) => {
        if (!err || res.headersSent) return;
        const status = err.status ?? err.statusCode ?? 404;
        res
          .status(status === 403 ? 403 : 404)
          .type('text/plain')
          .set('cache-control', CACHE_REVALIDATE)
          .send(status === 403 ? 'forbidden\n' : `not found: /console/${relative}\n`);
      },
    );
  }

  private async sendShell(res: Response): Promise<void> {
    res.set(SECURITY_HEADERS);
    const html = await this.assets.indexHtml(this.auth.open);
    if (html === undefined) {
      res.status(503).type('text/plain').set('cache-control', CACHE_REVALIDATE).send(notBuiltMessage(this.assets.dir));
      return;
    }
    res.status(200).type('text/html').set('cache-control', CACHE_REVALIDATE).send(html);
  }
}
