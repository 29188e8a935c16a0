import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AuthMiddleware } from '../auth/auth.middleware';
import { CACHE_IMMUTABLE, ConsoleAssets } from './console-assets';
import { CONSOLE_CSP, ConsoleController } from './console.controller';

const INDEX = `<!doctype html><html><head><meta name="gateway-auth" content="key" /><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="app"></div></body></html>`;

async function serve(dir: string, auth: { open: boolean }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [ConsoleController],
    providers: [
      { provide: ConsoleAssets, useValue: new ConsoleAssets(dir) },
      { provide: AuthMiddleware, useValue: auth },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('the console at /console', () => {
  const root = mkdtempSync(join(tmpdir(), 'gw-console-assets-'));
  const built = join(root, 'built');
  const auth = { open: true };
  let app: INestApplication;

  beforeAll(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("console")');
    writeFileSync(join(built, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'not for the web');
    app = await serve(built, auth);
  });
  afterAll(() => app.close());

  it('answers the page and every client-side route with index.html: no-cache, a strict CSP, the auth mode filled in', async () => {
    for (const path of ['/console', '/console/', '/console/rules', '/console/learning/whatever']) {
      const res = await request(app.getHttpServer()).get(path).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).toContain('<meta name="gateway-auth" content="open" />');
    }
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('tells the page a key is needed once the gateway is no longer open', async () => {
    auth.open = false;
    try {
      const res = await request(app.getHttpServer()).get('/console').expect(200);
      expect(res.text).toContain('<meta name="gateway-auth" content="key" />');
    } finally {
      auth.open = true;
    }
  });

  it('serves hashed assets with their content type and a year of immutable cache; other files revalidate hourly', async () => {
    const js = await request(app.getHttpServer()).get('/console/assets/index-abc123.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.headers['cache-control']).toBe(CACHE_IMMUTABLE);
    const css = await request(app.getHttpServer()).get('/console/assets/index-abc123.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const icon = await request(app.getHttpServer()).get('/console/favicon.svg').expect(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers a missing asset with a plain 404 (never the page) and never serves a file outside the build', async () => {
    const missing = await request(app.getHttpServer()).get('/console/assets/index-gone.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/^text\/plain/);
    for (const path of [
      '/console/..%2fsecret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/.%2e/secret.txt',
    ]) {
      const res = await request(app.getHttpServer()).get(path);
      expect([403, 404]).toContain(res.status);
      expect(res.text).not.toContain('not for the web');
    }
  });

  it('answers 503 with how to build it when the console is not built', async () => {
    const bare = await serve(join(root, 'nothing-here'), auth);
    try {
      const res = await request(bare.getHttpServer()).get('/console/rules').expect(503);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/The console is not built/);
      expect(res.text).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});
