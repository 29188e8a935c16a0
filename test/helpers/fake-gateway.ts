import type { GatewayConfig } from '../../src/config/config.schema';

/** Points the gateway at a local OpenAI-style server: fake-small (fast) and fake-large (balanced). */
export function upstreamConfig(cfg: GatewayConfig, baseUrl: string, extra: { deadUrl?: string } = {}): void {
  cfg.providers = [
    {
      id: 'up',
      plugin: 'openai-compatible',
      options: { baseUrl: `${baseUrl}/v1`, models: ['fake-small', 'fake-large'] },
      enabled: true,
    },
  ];
  cfg.models = [
    {
      id: 'fake-small',
      provider: 'up',
      layer: 'fast',
      price: { input: 0.5, output: 1.5 },
      contextWindow: 16384,
      strengths: [],
    },
    {
      id: 'fake-large',
      provider: 'up',
      layer: 'balanced',
      price: { input: 3, output: 15 },
      contextWindow: 65536,
      strengths: [],
    },
  ];
  if (extra.deadUrl) {
    cfg.providers.push({
      id: 'dead',
      plugin: 'openai-compatible',
      options: { baseUrl: `${extra.deadUrl}/v1`, models: ['dead-balanced'] },
      enabled: true,
    });
    // Cheaper than fake-large, so the default policy tries it first in the balanced layer.
    cfg.models.push({
      id: 'dead-balanced',
      provider: 'dead',
      upstreamModel: 'dead-balanced',
      layer: 'balanced',
      price: { input: 0.1, output: 0.1 },
      contextWindow: 65536,
      strengths: [],
    });
  }
}
