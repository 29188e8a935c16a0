import type { ToolCall } from '@ai-mcp-gateway/provider-sdk';
import type { FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import type { GatewayConfig } from '../../src/config/config.schema';

/** The variable the anthropic plugin reads its (fake) key from in these specs. */
export const FAKE_ANTHROPIC_KEY_ENV = 'GATEWAY_E2E_FAKE_ANTHROPIC_KEY';

/** A 1 x 1 PNG, base64. */
export const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export const WEATHER_CALL: ToolCall = {
  id: 'call_up_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
};

export const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city'],
};

/**
 * One local fake upstream speaking both dialects, behind three models: fake-small (fast) and fake-vision
 * (balanced, vision) through openai-compatible, claude-fake (deep, vision) through the anthropic plugin.
 */
export function crossFormatConfig(cfg: GatewayConfig, fakeUrl: string): void {
  process.env[FAKE_ANTHROPIC_KEY_ENV] = 'sk-ant-e2e-fake';
  cfg.providers = [
    {
      id: 'oa',
      plugin: 'openai-compatible',
      options: { baseUrl: `${fakeUrl}/v1`, models: ['fake-small', 'fake-vision'] },
      enabled: true,
    },
    {
      id: 'claude',
      plugin: 'anthropic',
      options: { baseUrl: fakeUrl, apiKeyEnv: FAKE_ANTHROPIC_KEY_ENV, models: ['claude-fake'] },
      enabled: true,
    },
  ];
  // Priced as real tiers are, and cost weighing as much as the whole quality scale: the learned policy takes the
  // cheapest eligible model whatever its Thompson draws (the earlier calls teach only answer rates), so `auto`
  // with an image goes to fake-vision, not the dearer claude-fake. No exploration: one answer.
  const price = { fast: { input: 1, output: 2 }, balanced: { input: 2, output: 4 }, deep: { input: 15, output: 75 } };
  cfg.optimizer.exploration = 0;
  cfg.optimizer.costWeight = 1;
  const model = (id: string, provider: string, layer: 'fast' | 'balanced' | 'deep', vision = false) => ({
    id,
    provider,
    layer,
    price: price[layer],
    contextWindow: 16384,
    strengths: [],
    vision,
  });
  cfg.models = [
    model('fake-small', 'oa', 'fast'),
    model('fake-vision', 'oa', 'balanced', true),
    model('claude-fake', 'claude', 'deep', true),
  ];
  cfg.aliases = { 'claude-*': 'deep' };
}

/** The fields of an upstream request body the specs read (either dialect). */
export interface SentBody {
  model?: unknown;
  tools?: unknown;
  messages: Array<{ role?: unknown; content?: unknown }>;
  [field: string]: unknown;
}

/** The bodies of the chat requests the fake upstream received (on one path, when given). */
export function sentBodies(fake: FakeUpstream, path?: string): SentBody[] {
  return fake.requests.filter((r) => r.method === 'POST' && (!path || r.path === path)).map((r) => r.body as SentBody);
}
