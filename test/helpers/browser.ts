import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/common/app-info';

/** Debian's chromium (Playwright's own browser download is unreachable here); CI installs it with apt-get. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');

/** Headless, offline, no first-run or background traffic; Playwright gives each launch a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A console error the test provoked on purpose: a refused request it expects Chrome to report. */
interface Expected {
  status: number;
  path: string;
}

/**
 * A browser context that records every console error, page error and request to another host (which it
 * also blocks). `expectRefusal` registers one refused request the test provokes; `assertClean` fails on
 * anything else.
 */
export class GuardedContext {
  readonly problems: string[] = [];
  private readonly expected: Expected[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(
    browser: Browser,
    gatewayUrl: string,
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<GuardedContext> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
    const origin = new URL(gatewayUrl).origin;
    const page = await context.newPage();
    const guarded = new GuardedContext(context, page);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      guarded.problems.push(`request to another host: ${url}`);
      return route.abort();
    });
    page.on('pageerror', (err) => guarded.problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const url = msg.location().url ?? '';
      const status = /status of (\d{3})/.exec(msg.text())?.[1];
      const i = guarded.expected.findIndex((e) => String(e.status) === status && url.startsWith(`${origin}${e.path}`));
      if (i >= 0) guarded.expected.splice(i, 1);
      else guarded.problems.push(`console error: ${msg.text()} (${url})`);
    });
    return guarded;
  }

  expectRefusal(status: number, path: string): void {
    this.expected.push({ status, path });
  }

  assertClean(): void {
    if (this.problems.length > 0) throw new Error(`the browser reported:\n${this.problems.join('\n')}`);
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Let charts and late panels settle before the picture.
    await this.page.waitForLoadState('networkidle');
    // A full-page picture draws the sticky header where the page is scrolled to: start from the top.
    await this.page.evaluate('window.scrollTo(0, 0)');
    await this.page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** The text of the cells marked data-col in each row matching `rowSelector`, with the row's `keyAttribute` as `key`. */
export function rowsOf(
  page: Page,
  rowSelector: string,
  keyAttribute: string,
  cols: string[],
): Promise<Record<string, string>[]> {
  return page.$$eval(
    rowSelector,
    (rows, arg) =>
      rows.map((r) => {
        const out: Record<string, string> = { key: r.getAttribute(arg.keyAttribute) ?? '' };
        for (const col of arg.cols) out[col] = r.querySelector(`[data-col="${col}"]`)?.textContent?.trim() ?? '';
        return out;
      }),
    { keyAttribute, cols },
  );
}
