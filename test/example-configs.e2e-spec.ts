import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { createGateway, type GatewayHandle } from '../src/bootstrap/gateway';
import { PROJECT_ROOT } from '../src/common/app-info';
import { loadConfigFile } from '../src/config/config.loader';
import { createTestDatabase } from './helpers/test-database';

const DIR = join(PROJECT_ROOT, 'config', 'examples');
const EXAMPLES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
/** Dummy keys under the variables the examples name (the fake checks they are sent). */
const KEYS = {
  OPENAI_API_KEY: 'sk-dummy-openai',
  ANTHROPIC_API_KEY: 'sk-ant-dummy',
  OPENROUTER_API_KEY: 'sk-or-dummy',
};

interface Started {
  gw: GatewayHandle;
  url: string;
  upstreams: Set<string>;
  stop(): Promise<void>;
}

/** The example as a user runs it, every provider pointed at the local fake of its API. */
async function startExample(file: string, fake: FakeUpstream): Promise<Started> {
  const { config } = loadConfigFile(join(DIR, file), { ...process.env, ...KEYS });
  const tdb = await createTestDatabase();
  config.server = { host: '127.0.0.1', port: 0 };
  config.database = { ...config.database, url: tdb.target.url, dataDir: tdb.target.dataDir };
  const upstreams = new Set<string>();
  for (const p of config.providers) {
    const anthropic = p.plugin === 'anthropic';
    expect(['openai-compatible', 'anthropic']).toContain(p.plugin);
    p.options.baseUrl = anthropic ? fake.url : `${fake.url}/v1`;
    upstreams.add(anthropic ? '/v1/messages' : '/v1/chat/completions');
  }
  fake.models = config.models.map((m) => m.upstreamModel ?? m.id);
  const gw = await createGateway({
    config,
    logger: pino({ level: 'silent' }),
    http: true,
    configFile: join(DIR, file),
  });
  const url = await gw.listen();
  return { gw, url, upstreams, stop: async () => (await gw.close(1000), await tdb.drop()) };
}

describe('every config/examples/*.yaml starts the gateway and serves a chat against a local fake of its API', () => {
  let fake: FakeUpstream;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    fake = await startFakeUpstream();
    for (const [k, v] of Object.entries(KEYS)) [saved[k], process.env[k]] = [process.env[k], v];
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await fake.close();
  });

  it('has the examples the README names', () => {
    expect(EXAMPLES).toEqual(['anthropic.yaml', 'mixed.yaml', 'ollama.yaml', 'openai.yaml', 'openrouter.yaml']);
  });

  it.each(EXAMPLES)('%s', async (file) => {
    fake.reset();
    const started = await startExample(file, fake);
    try {
      const openai = new OpenAI({ baseURL: `${started.url}/v1`, apiKey: 'x', maxRetries: 0 });
      for (const layer of ['auto', 'fast', 'balanced', 'deep'] as const) {
        const known = started.gw.config.models.some(
          (m) => m.kind !== 'embedding' && (layer === 'auto' || m.layer === layer),
        );
        if (!known) continue;
        const chat = await openai.chat.completions.create({
          model: layer,
          messages: [{ role: 'user', content: 'hi' }],
        });
        expect(chat.choices[0].message.content).toBe(fake.reply.content);
      }
      const reached = new Set(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path));
      for (const path of reached) expect(started.upstreams).toContain(path);
      const anthropic = new Anthropic({ baseURL: started.url, apiKey: 'x', maxRetries: 0 });
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 32,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.content).toEqual([{ type: 'text', text: fake.reply.content }]);
      for (const r of fake.requests.filter((q) => q.method === 'POST')) {
        if (r.path === '/v1/messages') expect(r.headers['x-api-key']).toBe(KEYS.ANTHROPIC_API_KEY);
        else if (
          file !== 'ollama.yaml' &&
          !(file === 'mixed.yaml' && (r.body as { model?: string }).model === 'llama3.2')
        )
          expect(r.headers.authorization).toMatch(/^Bearer sk-(dummy-openai|or-dummy)$/);
        else expect(r.headers.authorization).toBeUndefined();
      }
      const embedding = started.gw.config.models.find((m) => m.kind === 'embedding');
      if (embedding) {
        const res = await openai.embeddings.create({ model: embedding.id, input: 'hello' });
        expect(res.data[0].embedding.length).toBeGreaterThan(0);
      }
    } finally {
      await started.stop();
    }
  });
});
