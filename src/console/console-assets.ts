import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/app-info';

/** Where `npm run build:console` (Vite) writes the SPA. */
export const CONSOLE_BUILD_DIR = join(PROJECT_ROOT, 'dist', 'console');

/** The meta tag in index.html that tells the SPA whether the gateway needs a key (no inline script: CSP). */
const AUTH_META = /<meta name="gateway-auth" content="[a-z]*"\s*\/?>/;

/** Cache policies: hashed assets never change; everything else is revalidated. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';
export const CACHE_SHORT = 'public, max-age=3600';

/**
 * The built console on disk. index.html is read on each request (it is small and tiny traffic) so that
 * a rebuild while the gateway runs is served at once; the hashed assets are sent by Express.
 */
export class ConsoleAssets {
  constructor(readonly dir: string = CONSOLE_BUILD_DIR) {}

  async isBuilt(): Promise<boolean> {
    return stat(join(this.dir, 'index.html')).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** index.html with the auth mode filled in, or undefined when the console is not built. */
  async indexHtml(open: boolean): Promise<string | undefined> {
    const html = await readFile(join(this.dir, 'index.html'), 'utf8').catch(() => undefined);
    return html?.replace(AUTH_META, `<meta name="gateway-auth" content="${open ? 'open' : 'key'}" />`);
  }
}

/** What a path under /console is: the SPA shell (client-side route), a hashed asset, or another file. */
export function classifyConsolePath(relative: string): 'shell' | 'asset' | 'file' {
  if (relative.startsWith('assets/')) return 'asset';
  const last = relative.split('/').pop() ?? '';
  return last.includes('.') ? 'file' : 'shell';
}

export function notBuiltMessage(dir: string): string {
  return (
    `The console is not built: ${join(dir, 'index.html')} is missing.\n` +
    `Build it with "npm run build" (or only the console: "npm run build:console") in ${PROJECT_ROOT}, then reload.\n`
  );
}
