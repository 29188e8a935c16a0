import { compileErrors, validate } from '@readme/openapi-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { ToolRegistry } from '../src/tools/tool-registry';
import { ARTIFACTS, GuardedContext, HAVE_CHROMIUM, launchChromium } from './helpers/browser';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running app serves, as (method, OpenAPI path); tool routes expanded to each tool. */
function servedRoutes(gw: TestGateway, tools: ToolRegistry): string[] {
  const app = gw.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const out: string[] = [];
  for (const layer of app.router.stack) {
    // The logger middleware (LoggerModule forRoutes '{*path}') is registered as a route of every path.
    if (!layer.route || layer.route.path === '{*path}' || layer.route.path === '/{*path}') continue;
    const path = layer.route.path.replace(/\{?\*(\w+)\}?/g, '{$1}').replace(/:(\w+)/g, '{$1}');
    // A route of every method (@All: the MCP endpoint) is documented for the methods it answers.
    const all = layer.route.methods._all || Object.keys(layer.route.methods).length > 10;
    const methods = all ? ['get', 'post', 'delete'] : Object.keys(layer.route.methods);
    for (const method of methods) {
      if (method === 'head') continue;
      if (path === '/tools/{name}') {
        for (const t of tools.list()) if (method === 'post' || t.readOnly) out.push(`${method} /tools/${t.name}`);
      } else out.push(`${method} ${path}`);
    }
  }
  return out.sort();
}

describe('GET /openapi.json and GET /docs', () => {
  let gw: TestGateway;
  let doc: OpenAPIV3_1.Document;
  beforeAll(async () => {
    gw = await startTestGateway();
    doc = (await request(gw.url).get('/openapi.json').expect(200)).body as OpenAPIV3_1.Document;
  });
  afterAll(() => gw?.stop());

  it('is a valid OpenAPI 3.1 document (checked by @readme/openapi-parser, references resolved)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.specification).toBe('OpenAPI');
  });

  it('describes exactly the routes the app serves and every tool, with the schemas the handlers validate with', () => {
    const documented = Object.entries(doc.paths ?? {})
      .flatMap(([path, item]) =>
        Object.keys(item ?? {})
          .filter((k) => ['get', 'post', 'delete', 'put', 'patch'].includes(k))
          .map((m) => `${m} ${path}`),
      )
      .sort();
    expect(documented).toEqual(servedRoutes(gw, gw.app.get(ToolRegistry)));
    const chat = doc.paths!['/v1/chat/completions']!.post!;
    const body = chat.requestBody as OpenAPIV3_1.RequestBodyObject;
    const ref = (body.content['application/json'].schema as { $ref: string }).$ref;
    const schema = doc.components!.schemas![ref.split('/').pop()!];
    expect(schema.required).toContain('messages');
    expect(Object.keys(schema.properties!)).toEqual(
      expect.arrayContaining(['model', 'temperature', 'tools', 'stream']),
    );
    const tool = doc.paths!['/tools/explain_route']!;
    expect(tool.post).toMatchObject({ tags: ['tools'], 'x-mcp-tool': 'explain_route' });
  });

  it('needs no key, while the API it describes does', async () => {
    const keyed = await startTestGateway();
    try {
      await keyed.app.get(ApiKeysService).create({ name: 'docs', scopes: ['route'] });
      await request(keyed.url).get('/openapi.json').expect(200);
      await request(keyed.url).get('/docs').expect(200);
      await request(keyed.url).get('/v1/models').expect(401);
      await request(keyed.url).get('/docs/../package.json').expect(404);
      await request(keyed.url).get('/docs/index.html').expect(404);
    } finally {
      await keyed.stop();
    }
  });

  (HAVE_CHROMIUM ? it : it.skip)('renders in a browser, every request to this gateway only', async () => {
    const browser = await launchChromium();
    try {
      const guarded = await GuardedContext.open(browser, gw.url);
      const { page } = guarded;
      await page.goto(`${gw.url}/docs`);
      await page.getByText('ai-mcp-gateway', { exact: false }).first().waitFor({ timeout: 30000 });
      await page.locator('.opblock-summary-path', { hasText: '/v1/chat/completions' }).first().waitFor();
      const operations = await page.locator('.opblock').count();
      expect(operations).toBeGreaterThan(20);
      await page.locator('.opblock-summary-path', { hasText: '/v1/embeddings' }).first().click();
      await page.getByText('encoding_format', { exact: false }).first().waitFor();
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });
      guarded.assertClean();
      await guarded.close();
    } finally {
      await browser.close();
    }
  });
});
