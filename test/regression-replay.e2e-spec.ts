import request from 'supertest';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import type { GatewayConfig } from '../src/config/config.schema';
import { HeuristicsService } from '../src/heuristics/heuristics.service';
import { RecorderService } from '../src/recording/recorder.service';
import { waitFor } from './helpers/process';
import { startTestGateway, TestGateway } from './helpers/test-gateway';
import { startWebhookReceiver, WebhookReceiver } from './helpers/webhook-receiver';

/** fake-small (fast) on one upstream, fake-large (balanced) on another: each can break alone. */
function twoUpstreams(cfg: GatewayConfig, small: string, large: string, hook: string): void {
  cfg.providers = [
    {
      id: 'upa',
      plugin: 'openai-compatible',
      options: { baseUrl: `${small}/v1`, models: ['fake-small'] },
      enabled: true,
    },
    {
      id: 'upb',
      plugin: 'openai-compatible',
      options: { baseUrl: `${large}/v1`, models: ['fake-large'] },
      enabled: true,
    },
  ];
  const model = (id: string, provider: string, layer: 'fast' | 'balanced', input: number, output: number) => ({
    id,
    provider,
    layer,
    price: { input, output },
    contextWindow: 16384,
    strengths: [],
  });
  cfg.models = [model('fake-small', 'upa', 'fast', 0.5, 1.5), model('fake-large', 'upb', 'balanced', 3, 15)];
  cfg.routing.maxRetries = 0;
  // No fallback to the other layer: a broken model fails the request, as a regression test should see it.
  cfg.routing.escalate = false;
  cfg.routing.breaker = { failureThreshold: 1000, cooldownMs: 1000 };
  cfg.recording.redactContent = false;
  // No exploration, seeded draws: after the rule is gone the policy sends the prompt to fake-small every time.
  cfg.optimizer = { ...cfg.optimizer, minSample: 6, replayAfterRun: true, exploration: 0, seed: 7 };
  cfg.alerts = { ...cfg.alerts, webhookUrl: hook, delivery: { ...cfg.alerts.delivery, pollMs: 200 } };
}

type Test = { id: number; testName: string; lastResult: string | null; lastError: string | null; replay: unknown };
type Replay = {
  passed: number;
  failed: number;
  skipped: number;
  results: Array<{ status: string; reason: string | null }>;
};

describe('regression replay: a failure becomes a test that passes once fixed, and a regression rolls the optimizer back', () => {
  let small: FakeUpstream;
  let large: FakeUpstream;
  let hook: WebhookReceiver;
  let gw: TestGateway;
  let ruleId: number;
  const chat = (content: string) =>
    request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'auto', messages: [{ role: 'user', content }] });
  const tests = async (): Promise<Test[]> =>
    ((await request(gw.url).get('/tools/get_regression_tests?limit=100').expect(200)).body as { items: Test[] }).items;

  beforeAll(async () => {
    small = await startFakeUpstream({ models: ['fake-small'] });
    large = await startFakeUpstream({ models: ['fake-large'] });
    hook = await startWebhookReceiver();
    gw = await startTestGateway((cfg) => twoUpstreams(cfg, small.url, large.url, hook.url));
    const { rule } = await gw.app.get(HeuristicsService).upsertRule({
      pattern: 'replay-me',
      preferredLayer: 'balanced',
      preferredModel: 'fake-large',
      priority: 50,
      active: true,
    });
    ruleId = rule.id;
  });
  afterAll(async () => {
    await gw.stop();
    await hook.close();
    await small.close();
    await large.close();
  });

  it('a failure recorded from a faulty upstream produces a regression test with its replay', async () => {
    large.fail({ type: 'status', status: 500, message: 'broken' }, { times: 100 });
    for (let i = 0; i < 6; i++)
      expect((await chat(`replay-me: greet the team ${i}`)).status).toBeGreaterThanOrEqual(500);
    await gw.app.get(RecorderService).flush();
    await gw.app.get(RecorderService).flush();
    const stored = await tests();
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored[0].replay)).toContain('replay-me: greet the team');
  });

  it('after the upstream is fixed, run_regression_tests passes it and stores the status', async () => {
    large.reset();
    // Traffic the optimizer can compare the rule with: the same task type served well by fake-small.
    for (let i = 0; i < 8; i++)
      await request(gw.url)
        .post('/v1/chat/completions')
        .send({ model: 'fake-small', messages: [{ role: 'user', content: `greet the team ${i}` }] })
        .expect(200);
    const run = await request(gw.url).post('/tools/run_regression_tests').send({});
    expect(run.status).toBe(200);
    const report = run.body as Replay;
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(0);
    expect((await tests()).every((t) => t.lastResult === 'pass' && t.lastError === null)).toBe(true);
    const dry = (await request(gw.url).post('/tools/run_regression_tests').send({ dryRun: true })).body as Replay;
    expect(dry.results.every((r) => r.status === 'planned')).toBe(true);
  });

  it('when an optimizer change breaks it, the replay fails, last_status says so, an alert is posted, and the run is rolled back', async () => {
    small.fail({ type: 'status', status: 500, message: 'broken again' }, { times: 100 });
    const run = await request(gw.url).post('/tools/run_optimizer').send({});
    expect(run.status).toBe(200);
    const changes = (run.body as { changes: Array<{ kind: string; target: string }> }).changes;
    expect(changes).toContainEqual(expect.objectContaining({ kind: 'rule.deactivate', target: `rule:${ruleId}` }));
    const failed = (await tests()).filter((t) => t.lastResult === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].lastError).toMatch(/the call failed/);
    // Rolled back: the rule routes to the working model again, and the audit says why.
    expect((await gw.app.get(HeuristicsService).getRule(ruleId))?.active).toBe(true);
    const runs = (await request(gw.url).get('/tools/get_optimizer_runs').expect(200)).body as {
      runs: Array<{ id: number; changes: Array<{ kind: string; rolledBack?: { reason: string } }> }>;
    };
    const latest = runs.runs[0];
    expect(latest.changes.find((c) => c.kind === 'rule.deactivate')?.rolledBack?.reason).toMatch(
      /regression replay failed where it passed before/,
    );
    const alert = await waitFor(
      () => hook.received.find((e) => e.kind === 'replay_failed'),
      10_000,
      'the replay_failed alert',
    );
    expect(alert.message).toMatch(/passed before and fails now/);
    small.reset();
    const again = (await request(gw.url).post('/tools/run_regression_tests').send({})).body as Replay;
    expect(again.failed).toBe(0);
  });

  it('refuses bad input naming the field, and skips a snapshot redacted beyond use', async () => {
    const bad = await request(gw.url).post('/tools/run_regression_tests').send({ limit: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('limit');
    const hand = {
      testName: 'hand-written, no replay',
      category: 'manual',
      description: 'no snapshot',
      testCode: 'throw new Error("never run")',
      expectedBehavior: 'n/a',
      discoveredFrom: 'user-feedback',
    };
    const created = await request(gw.url)
      .post('/tools/generate_regression_test')
      .send({ ...hand, checks: { pattern: 'hello', maxLatencyMs: 5000 } });
    expect(created.status).toBe(200);
    expect(created.body.metadata.checks).toEqual({ nonEmpty: true, pattern: 'hello', maxLatencyMs: 5000 });
    const badPattern = await request(gw.url)
      .post('/tools/generate_regression_test')
      .send({ ...hand, testName: 'bad pattern', checks: { pattern: '(' } });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.issues[0].path).toBe('checks.pattern');
    const report = (await request(gw.url).post('/tools/run_regression_tests').send({ category: 'manual' }))
      .body as Replay;
    expect(report.skipped).toBe(1);
    expect(report.results[0].reason).toMatch(/no replay snapshot/);
  });
});
