import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PROJECT_ROOT } from '../src/common/app-info';
import { CONSOLE_TOOLS, RequestLogRow } from '@ai-mcp-gateway/console-contract';
import { queryRows } from '../src/database/query';
import { RecorderService } from '../src/recording/recorder.service';
import { sendTraffic, tool } from './helpers/console-fixtures';
import { checkDashboardShape, dashboardMetrics, metricsExposed } from './helpers/grafana-dashboard';
import { readEvents } from './helpers/sse-reader';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

type Page = { items: RequestLogRow[]; total: number };

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (rank - lo);
}

describe('the console backend: read tools, live log, keys, dashboards', () => {
  let gw: TestGateway;
  const get = <T>(name: string, query: Record<string, string> = {}) =>
    request(gw.url)
      .get(`/tools/${name}`)
      .query(query)
      .then((r) => ({ status: r.status, body: r.body as T }));
  const flush = () => gw.app.get(RecorderService).flush();
  const count = async (sql: string) =>
    Number((await queryRows<{ n: number }>(gw.db.fork(), `select count(*)::int as n from ${sql}`))[0].n);

  beforeAll(async () => {
    gw = await startTestGateway();
    await sendTraffic(gw.url, 16);
    await flush();
  }, 60000);
  afterAll(() => gw?.stop());

  it('declares every contract tool it owns (scope, read-only) and answers whoami on an open gateway', async () => {
    const listed = ((await request(gw.url).get('/tools')).body as { tools: unknown }).tools as {
      name: string;
      scope: string;
      readOnly: boolean;
    }[];
    for (const [name, decl] of Object.entries(CONSOLE_TOOLS)) {
      expect(listed.find((t) => t.name === name)).toMatchObject({ scope: decl.scope, readOnly: decl.readOnly });
    }
    expect((await get('whoami')).body).toEqual({
      open: true,
      scopes: ['route', 'tools:read', 'tools:write', 'admin'],
      key: null,
    });
  });

  it('get_request_log pages request_log newest first, filters, and refuses bad input naming the field', async () => {
    const all = await get<Page>('get_request_log', { limit: '500' });
    expect(all.body.total).toBe(await count('request_log'));
    expect(all.body.items).toHaveLength(all.body.total);
    const keys = all.body.items.map((r) => `${r.ts}|${r.id}`);
    expect([...keys].sort().reverse()).toEqual(keys);
    const page = await get<Page>('get_request_log', { limit: '3', offset: '2' });
    expect(page.body.items.map((r) => r.id)).toEqual(all.body.items.slice(2, 5).map((r) => r.id));
    const model = all.body.items[0].model;
    const byModel = await get<Page>('get_request_log', { model, limit: '500' });
    expect(byModel.body.total).toBe(all.body.items.filter((r) => r.model === model).length);
    expect(byModel.body.items.every((r) => r.model === model)).toBe(true);
    const since = all.body.items[3].ts;
    const recent = await get<Page>('get_request_log', { since, limit: '500' });
    expect(recent.body.total).toBe(all.body.items.filter((r) => r.ts >= since).length);
    for (const [query, field] of [
      [{ success: 'maybe' }, 'success'],
      [{ limit: '0' }, 'limit'],
      [{ layer: 'huge' }, 'layer'],
      [{ model: 'a\u0000b' }, 'model'],
      [{ since: recent.body.items[0].ts, until: since }, 'until'],
    ] as const) {
      const res = await get<{ issues: { path: string }[] }>('get_request_log', query);
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i) => i.path)).toContain(field);
    }
  });

  it('get_usage_series aggregates in SQL what request_log holds: counts, cost and latency percentiles', async () => {
    const { body: rows } = await get<Page>('get_request_log', { limit: '500' });
    const usage = (
      await get<{
        bucketSeconds: number;
        from: string;
        to: string;
        series: { key: string; points: { t: string; requests: number; successes: number; costUsd: number }[] }[];
        totals: { requests: number; successes: number; costUsd: number; p50LatencyMs: number; p95LatencyMs: number };
      }>('get_usage_series', { window: 'hour', groupBy: 'model' })
    ).body;
    expect(usage.bucketSeconds).toBe(60);
    expect(new Date(usage.to).getTime() - new Date(usage.from).getTime()).toBe(3600_000);
    expect(usage.totals.requests).toBe(rows.items.length);
    expect(usage.totals.successes).toBe(rows.items.filter((r) => r.success).length);
    expect(usage.totals.costUsd).toBeCloseTo(
      rows.items.reduce((s, r) => s + r.cost, 0),
      9,
    );
    const latencies = rows.items
      .filter((r) => r.success)
      .map((r) => r.latencyMs)
      .sort((a, b) => a - b);
    expect(usage.totals.p50LatencyMs).toBeCloseTo(percentile(latencies, 0.5), 6);
    expect(usage.totals.p95LatencyMs).toBeCloseTo(percentile(latencies, 0.95), 6);
    for (const s of usage.series) {
      expect(s.points.reduce((n, p) => n + p.requests, 0)).toBe(rows.items.filter((r) => r.model === s.key).length);
      for (const p of s.points) expect(new Date(p.t).getTime() % 60_000).toBe(0);
    }
    const byLayer = (await get<{ series: { key: string }[] }>('get_usage_series', { groupBy: 'layer', window: 'week' }))
      .body;
    expect(byLayer.series.map((s) => s.key).sort()).toEqual([...new Set(rows.items.map((r) => r.layer))].sort());
  });

  it('get_quality_series shows caller feedback per model next to call success', async () => {
    const { body: rows } = await get<Page>('get_request_log', { success: 'true', limit: '1' });
    const target = rows.items[0];
    expect((await tool(gw.url, 'record_feedback', { requestId: target.id, score: 0.25 })).status).toBe(200);
    const quality = (
      await get<{
        judgeEnabled: boolean;
        series: { model: string; points: { caller: { mean: number; n: number } | null; success: { n: number } }[] }[];
      }>('get_quality_series', { window: 'day', model: target.model })
    ).body;
    expect(quality.judgeEnabled).toBe(false);
    expect(quality.series.map((s) => s.model)).toEqual([target.model]);
    const callers = quality.series[0].points.flatMap((p) => (p.caller ? [p.caller] : []));
    expect(callers).toEqual([{ mean: 0.25, n: 1 }]);
  });

  it('get_policy reports per task type each model’s interval, n and traffic share from request_log', async () => {
    const run = await tool<{ runId: number }>(gw.url, 'run_optimizer', { dryRun: false });
    // The audit row has the run's real duration (on Postgres it is written in the transaction that elected it).
    const stored = (
      await get<{ runs: { id: number; startedAt: string; finishedAt: string }[] }>('get_optimizer_runs')
    ).body.runs.find((r) => r.id === run.body.runId)!;
    expect(new Date(stored.finishedAt).getTime()).toBeGreaterThan(new Date(stored.startedAt).getTime());
    const policy = (
      await get<{
        objective: { kind: string; confidence: number };
        updatedAt: string;
        taskTypes: {
          taskType: string;
          models: {
            model: string;
            share: number;
            quality: { mean: number; lower: number; upper: number; n: number };
          }[];
        }[];
      }>('get_policy')
    ).body;
    expect(policy.objective).toMatchObject({ kind: 'cost_weight', confidence: 0.95 });
    expect(policy.updatedAt).toEqual(expect.any(String));
    const { body: rows } = await get<Page>('get_request_log', { limit: '500' });
    const answered = rows.items.filter((r) => r.model !== 'none');
    expect(policy.taskTypes.map((t) => t.taskType).sort()).toEqual(
      [...new Set(answered.map((r) => r.taskType))].sort(),
    );
    for (const t of policy.taskTypes) {
      const ofType = answered.filter((r) => r.taskType === t.taskType);
      expect(t.models.reduce((s, m) => s + m.share, 0)).toBeCloseTo(1, 9);
      for (const m of t.models) {
        expect(m.quality.n).toBe(ofType.filter((r) => r.model === m.model).length);
        expect(m.share).toBeCloseTo(m.quality.n / ofType.length, 9);
        expect(m.quality.lower).toBeLessThanOrEqual(m.quality.mean);
        expect(m.quality.upper).toBeGreaterThanOrEqual(m.quality.mean);
      }
    }
  });

  it('explain_route gives the decision with the matched rule and ranked candidates, and calls no model', async () => {
    await tool(gw.url, 'update_routing_heuristic', { pattern: '\\bmigrate\\b', preferredLayer: 'balanced' });
    const before = await count('model_performance where total_calls > 0');
    const calls = (await request(gw.url).get('/metrics')).text.match(/gateway_model_calls_total\{[^}]*\} \d+/g);
    const res = await tool<{
      rule: { pattern: string } | null;
      layer: string;
      strategy: string;
      model: string;
      candidates: { model: string; rank: number; chosen: boolean; breaker: string; available: boolean }[];
    }>(gw.url, 'explain_route', { prompt: 'please migrate the database schema' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rule: { pattern: '\\bmigrate\\b' }, layer: 'balanced', strategy: 'rule' });
    expect(res.body.candidates[0]).toMatchObject({ rank: 1, chosen: true, breaker: 'closed', available: true });
    expect(res.body.model).toBe(res.body.candidates[0].model);
    expect(res.body.candidates.map((c) => c.rank)).toEqual(res.body.candidates.map((_, i) => i + 1));
    await flush();
    expect(await count('model_performance where total_calls > 0')).toBe(before);
    expect((await request(gw.url).get('/metrics')).text.match(/gateway_model_calls_total\{[^}]*\} \d+/g)).toEqual(
      calls,
    );
    const bad = await tool<{ issues: { path: string }[] }>(gw.url, 'explain_route', { prompt: 'x', qualityFloor: 0.9 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('qualityFloor');
  });

  it('GET /events/requests streams each recorded row, as get_request_log has it', async () => {
    const controller = new AbortController();
    const events = readEvents(`${gw.url}/events/requests`, controller.signal);
    await events.opened;
    await sendTraffic(gw.url, 3);
    await flush();
    const received = await events.take(3, 5000);
    controller.abort();
    expect(received.every((e) => e.event === 'request')).toBe(true);
    const { body } = await get<Page>('get_request_log', { limit: '3' });
    const byId = new Map(body.items.map((r) => [r.id, r]));
    for (const e of received) {
      expect(e.id).toBe((JSON.parse(e.data) as RequestLogRow).id);
      expect(JSON.parse(e.data)).toEqual(byId.get(e.id ?? ''));
    }
  });

  it('the shipped Grafana dashboard has the dashboard schema shape and queries only metrics /metrics exposes', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'config/observability/grafana-dashboard.json'), 'utf8'),
    );
    expect(checkDashboardShape(dashboard)).toEqual([]);
    const queried = dashboardMetrics(dashboard);
    expect(queried.length).toBeGreaterThan(8);
    const text = (await request(gw.url).get('/metrics')).text;
    expect(queried.filter((m) => !metricsExposed(text).has(m))).toEqual([]);
    expect(text).toMatch(/gateway_routed_request_duration_seconds_bucket\{le="[^"]+",model="sim-[a-z]+",layer=/);
  });

  it('API keys: created once with its key, listed without it, last use tracked, revoked at once', async () => {
    // The first key ends the open mode: every later call needs a bearer key.
    const admin = (await tool<{ key: string }>(gw.url, 'create_api_key', { name: 'ops', scopes: ['admin'] })).body.key;
    expect(admin).toMatch(/^gw_[A-Za-z0-9_-]{43}$/);
    const created = await tool<{ key: string; apiKey: { id: number; name: string; scopes: string[] } }>(
      gw.url,
      'create_api_key',
      { name: 'console reader', scopes: ['tools:read'] },
      admin,
    );
    expect(created.status).toBe(200);
    const reader = created.body.key;
    const as = (key: string, path: string) => request(gw.url).get(path).set('authorization', `Bearer ${key}`);
    expect((await as(reader, '/tools/whoami')).body).toEqual({
      open: false,
      scopes: ['tools:read'],
      key: { id: created.body.apiKey.id, name: 'console reader', prefix: reader.slice(0, 12) },
    });
    expect((await as(reader, '/tools/list_api_keys')).status).toBe(403);
    const listed = await as(admin, '/tools/list_api_keys');
    expect(JSON.stringify(listed.body)).not.toContain(reader.slice(12));
    const entry = (listed.body as { items: { id: number; lastUsedAt: string | null; budget: unknown }[] }).items.find(
      (k) => k.id === created.body.apiKey.id,
    );
    expect(entry).toMatchObject({ lastUsedAt: expect.any(String), budget: null });
    const budget = await request(gw.url)
      .post('/tools/create_api_key')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'x', scopes: ['route'], budget: { limitUsd: 5, period: 'day' } });
    expect(budget.status).toBe(200);
    expect(budget.body.apiKey.budget).toMatchObject({ limitUsd: 5, period: 'day', spentUsd: 0 });
    const revoked = await request(gw.url)
      .post('/tools/revoke_api_key')
      .set('authorization', `Bearer ${admin}`)
      .send({ id: created.body.apiKey.id });
    expect(revoked.body).toMatchObject({ alreadyRevoked: false, apiKey: { revokedAt: expect.any(String) } });
    expect((await as(reader, '/tools/whoami')).status).toBe(401);
    const live = new AbortController();
    const stream = await fetch(`${gw.url}/events/requests`, {
      headers: { authorization: `Bearer ${admin}` },
      signal: live.signal,
    });
    expect(stream.status).toBe(200);
    live.abort();
    expect((await request(gw.url).get('/events/requests')).status).toBe(401);
  });
});

describe('health that tells the truth: keys, probes, listings and breakers', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    delete process.env.UP_KEY_FOR_TEST;
    gw = await startTestGateway((cfg) => {
      cfg.routing.breaker.failureThreshold = 1;
      cfg.providers.push({
        id: 'up',
        plugin: 'openai-compatible',
        options: { baseUrl: 'http://127.0.0.1:1/v1', apiKeyEnv: 'UP_KEY_FOR_TEST' },
        enabled: true,
      });
      cfg.models.push(
        {
          id: 'up-model',
          provider: 'up',
          layer: 'deep',
          price: { input: 1, output: 1 },
          contextWindow: 8192,
          strengths: [],
        },
        {
          id: 'sim-dep',
          provider: 'sim',
          layer: 'deep',
          price: { input: 1, output: 1 },
          contextWindow: 8192,
          strengths: [],
        },
      );
    });
  }, 60000);
  afterAll(() => gw?.stop());

  it('a missing API key and a model the provider does not serve make /health degraded, with the reasons', async () => {
    const health = (await request(gw.url).get('/health').expect(200)).body;
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('UP_KEY_FOR_TEST is not set'),
        expect.stringMatching(/model sim-dep: provider "sim" does not serve "sim-dep"/),
      ]),
    );
    const up = health.checks.providers.providers.find((p: { id: string }) => p.id === 'up');
    expect(up).toMatchObject({ state: 'ready', ready: false, apiKey: 'missing', lastProbe: { ok: false } });
    const models = (await request(gw.url).get('/tools/list_models')).body.models as {
      id: string;
      available: boolean;
    }[];
    expect(Object.fromEntries(models.map((m) => [m.id, m.available]))).toEqual({
      'sim-fast': true,
      'sim-balanced': true,
      'sim-deep': true,
      'up-model': false,
      'sim-dep': false,
    });
    const metrics = (await request(gw.url).get('/metrics')).text;
    expect(metrics).toContain('gateway_model_ready{model="sim-dep",provider="sim"} 0');
    expect(metrics).toContain('gateway_provider_ready{provider="up"} 0');
    expect(metrics).toContain('gateway_model_ready{model="sim-fast",provider="sim"} 1');
  });

  it('an open circuit breaker makes the model unavailable in list_models, /metrics and explain_route', async () => {
    const before = (await request(gw.url).get('/tools/list_models')).body.models.find(
      (m: { id: string }) => m.id === 'sim-deep',
    );
    expect(before).toMatchObject({ available: true, breaker: 'closed' });
    await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'up-model', messages: [{ role: 'user', content: 'hi' }] })
      .expect(502);
    const after = (await request(gw.url).get('/tools/list_models')).body.models.find(
      (m: { id: string }) => m.id === 'up-model',
    );
    expect(after).toMatchObject({ available: false, breaker: 'open' });
    expect(after.reasons).toEqual(
      expect.arrayContaining([expect.stringContaining('circuit breaker of up-model is open')]),
    );
    expect((await request(gw.url).get('/metrics')).text).toContain('gateway_model_breaker_state{model="up-model"} 2');
    const explained = await tool<{ candidates: { model: string; breaker: string; chosen: boolean; note: string }[] }>(
      gw.url,
      'explain_route',
      { prompt: 'hi', model: 'up-model' },
    );
    expect(explained.body.candidates).toEqual([
      expect.objectContaining({
        model: 'up-model',
        breaker: 'open',
        chosen: false,
        note: expect.stringContaining('skipped'),
      }),
    ]);
  });

  it('an open live stream ends cleanly when the gateway stops, without holding the drain', async () => {
    const res = await fetch(`${gw.url}/events/requests`);
    expect(res.status).toBe(200);
    const read = (async () => {
      let text = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
      return text;
    })();
    const started = Date.now();
    await gw.stop();
    expect(await read).toMatch(/^retry: \d+\n: connected\n\n$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
