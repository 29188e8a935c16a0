import { z } from 'zod';
import {
  CONSOLE_SCOPES,
  CONSOLE_TOOLS,
  createApiKeyInput,
  explainRouteInput,
  getPolicyOutput,
  getRequestLogInput,
  getUsageSeriesOutput,
} from './index';

const NOW = '2026-01-01T12:00:00.000Z';

describe('the console tools contract', () => {
  it('declares every tool so the registry can serve it: snake_case name, scope, JSON Schemas of input and output', () => {
    for (const [name, tool] of Object.entries(CONSOLE_TOOLS)) {
      expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(CONSOLE_SCOPES).toContain(tool.scope);
      // What tools/tool-registry.ts does for GET /tools and MCP tools/list.
      expect(z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' })).toMatchObject({ type: 'object' });
      expect(z.toJSONSchema(tool.output, { io: 'output', unrepresentable: 'any' })).toMatchObject({ type: 'object' });
    }
    const admin = Object.entries(CONSOLE_TOOLS)
      .filter(([, t]) => t.scope === 'admin')
      .map(([n]) => n);
    expect(admin.sort()).toEqual(['create_api_key', 'list_api_keys', 'revoke_api_key', 'set_key_budget']);
    expect(
      Object.values(CONSOLE_TOOLS)
        .filter((t) => !t.readOnly)
        .every((t) => t.scope === 'admin'),
    ).toBe(true);
  });

  it('refuses bad input with the field named', () => {
    const path = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues.map((i) => i.path.join('.'));
    expect(path(explainRouteInput.safeParse({}))).toEqual(['prompt']);
    expect(path(explainRouteInput.safeParse({ prompt: 'a', messages: [{ role: 'user', content: 'a' }] }))).toEqual([
      'prompt',
    ]);
    expect(explainRouteInput.parse({ prompt: 'hi' })).toEqual({ prompt: 'hi', model: 'auto' });
    expect(path(getRequestLogInput.safeParse({ limit: 501 }))).toEqual(['limit']);
    expect(path(getRequestLogInput.safeParse({ since: 'yesterday' }))).toEqual(['since']);
    expect(getRequestLogInput.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(path(createApiKeyInput.safeParse({ name: 'ci', scopes: ['root'] }))).toEqual(['scopes.0']);
    expect(path(createApiKeyInput.safeParse({ name: ' ', scopes: ['route'] }))).toEqual(['name']);
  });

  it('describes answers the console can draw: a usage series and a policy with intervals', () => {
    const usage = getUsageSeriesOutput.parse({
      window: 'hour',
      bucketSeconds: 60,
      from: '2026-01-01T11:00:00.000Z',
      to: NOW,
      groupBy: 'model',
      series: [
        {
          key: 'sim-fast',
          points: [
            {
              t: '2026-01-01T11:59:00.000Z',
              requests: 3,
              successes: 3,
              p50LatencyMs: 120,
              p95LatencyMs: 300,
              costUsd: 0.0001,
              tokensIn: 30,
              tokensOut: 90,
            },
          ],
        },
      ],
      totals: { requests: 3, successes: 3, costUsd: 0.0001, p50LatencyMs: 120, p95LatencyMs: 300 },
    });
    expect(usage.series[0].points).toHaveLength(1);
    const estimate = { mean: 0.9, lower: 0.8, upper: 0.95, n: 40 };
    const policy = getPolicyOutput.safeParse({
      objective: {
        kind: 'quality_floor',
        qualityFloor: 0.95,
        costWeight: 0.2,
        latencyWeight: 0.1,
        exploration: 0.05,
        margin: 0.005,
        minSample: 30,
        confidence: 0.95,
      },
      strategy: { default: 'learned', abTestId: null },
      windowHours: 168,
      updatedAt: NOW,
      taskTypes: [
        {
          taskType: 'coding',
          observed: 40,
          warm: true,
          chosen: 'sim-balanced',
          models: [
            {
              model: 'sim-balanced',
              layer: 'balanced',
              quality: estimate,
              share: 0.7,
              costPerRequestUsd: 0.0002,
              utility: 0.85,
              eligible: true,
            },
          ],
        },
      ],
      promptLearner: {
        kind: 'weights',
        trainedOn: 40,
        updatedAt: NOW,
        models: [{ model: 'sim-deep', bias: 0.1, features: [{ feature: 'tok:refactor', weight: 0.4 }] }],
      },
      abTests: [],
    });
    expect(policy.success).toBe(true);
    // An interval outside 0-1 is not a share.
    const bad = getPolicyOutput.shape.taskTypes.element.shape.models.element.shape.quality.safeParse({
      ...estimate,
      upper: 1.2,
    });
    expect(bad.success).toBe(false);
  });
});
