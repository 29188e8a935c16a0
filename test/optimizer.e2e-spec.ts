import request from 'supertest';
import { queryRows } from '../src/database/query';
import { RecorderService } from '../src/recording/recorder.service';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

/**
 * The optimizer end to end on the real app with the simulated provider: sim-fast fails 70% of its calls
 * (no retries, no escalation), so a rule routing coding prompts to it loses to sim-balanced.
 */
describe('optimizer (e2e)', () => {
  let gw: TestGateway;
  const MIN_SAMPLE = 20;

  beforeAll(async () => {
    gw = await startTestGateway((cfg) => {
      cfg.routing = { ...cfg.routing, maxRetries: 0, escalate: false };
      cfg.optimizer = { ...cfg.optimizer, minSample: MIN_SAMPLE, seed: 1 };
      const sim = cfg.providers.find((p) => p.id === 'sim')!;
      const models = (sim.options.models as Array<Record<string, unknown>>).map((m) =>
        m.id === 'sim-fast' ? { ...m, failureRate: 0.7 } : m,
      );
      sim.options = { ...sim.options, models };
    });
  });

  afterAll(async () => {
    await gw?.stop();
  });

  const tool = (name: string, body: Record<string, unknown>) => request(gw.url).post(`/tools/${name}`).send(body);
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    queryRows<T>(gw.db.fork(), text, params as never[]);

  async function routeMany(prompt: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await tool('route', { prompt: `${prompt} #${i}`, taskType: 'coding' });
      if (res.body.decision?.requestId) ids.push(res.body.decision.requestId);
    }
    return ids;
  }

  async function snapshot() {
    const rules = await sql(
      'select id, priority, active, pinned, preferred_layer, preferred_model, metadata, updated_at from routing_rules order by id',
    );
    const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from optimizer_runs');
    const [{ tests }] = await sql<{ tests: number }>('select count(*)::int as tests from ab_tests');
    return { rules, runs: Number(n), tests: Number(tests) };
  }

  it('a losing rule loses priority, then is deactivated within minSample; a pinned rule never changes; dry runs write nothing', async () => {
    const losing = (
      await tool('update_routing_heuristic', {
        pattern: 'zebra',
        preferredLayer: 'fast',
        preferredModel: 'sim-fast',
      }).expect(200)
    ).body.rule;
    await sql('update routing_rules set priority = 50 where id = ?', [losing.id]);
    const pinned = (
      await tool('update_routing_heuristic', {
        pattern: 'okapi',
        preferredLayer: 'fast',
        preferredModel: 'sim-fast',
      }).expect(200)
    ).body.rule;
    await sql('update routing_rules set pinned = true, priority = 40 where id = ?', [pinned.id]);
    await routeMany('refactor this function for the zebra service', 8);
    await routeMany('refactor this function for the okapi service', 25);
    await routeMany('refactor this function please', 10);

    const before = await snapshot();
    const dry = (await tool('run_optimizer', { dryRun: true }).expect(200)).body;
    expect(dry).toMatchObject({ ran: true, dryRun: true, runId: null });
    expect(await snapshot()).toEqual(before);
    const dropped = dry.changes.find((c: { target: string }) => c.target === `rule:${losing.id}`);
    expect(dropped).toMatchObject({ kind: 'rule.priority', before: { priority: 50 } });
    expect(dropped.after.priority).toBeLessThan(50);

    const run = (await tool('run_optimizer', {}).expect(200)).body;
    expect(run.changes.map((c: { target: string; kind: string }) => `${c.kind} ${c.target}`)).toEqual(
      dry.changes.map((c: { target: string; kind: string }) => `${c.kind} ${c.target}`),
    );
    const [lowered] = await sql<{ priority: number; active: boolean }>(
      'select priority, active from routing_rules where id = ?',
      [losing.id],
    );
    expect(lowered).toEqual({ priority: dropped.after.priority, active: true });

    await routeMany('refactor this function for the zebra service (more)', MIN_SAMPLE - 8);
    const second = (await tool('run_optimizer', {}).expect(200)).body;
    expect(second.changes).toContainEqual(
      expect.objectContaining({ kind: 'rule.deactivate', target: `rule:${losing.id}` }),
    );
    const [off] = await sql<{ active: boolean }>('select active from routing_rules where id = ?', [losing.id]);
    expect(off.active).toBe(false);

    const pinnedNow = (await snapshot()).rules.find((r) => r.id === pinned.id);
    expect(pinnedNow).toEqual(before.rules.find((r) => r.id === pinned.id));
    expect([...run.changes, ...second.changes].some((c: { target: string }) => c.target === `rule:${pinned.id}`)).toBe(
      false,
    );
  });

  it('audits every real change in optimizer_runs, and analyze_metrics reports the last run', async () => {
    const runs = (await request(gw.url).get('/tools/get_optimizer_runs').expect(200)).body.runs as Array<{
      id: number;
      changes: Array<{ kind: string; target: string; after: Record<string, unknown> }>;
    }>;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const rows = await sql<{ id: number; changes: unknown; finished_at: Date | null; dry_run: boolean }>(
      'select id, changes, finished_at, dry_run from optimizer_runs order by id',
    );
    expect(rows.every((r) => r.finished_at !== null && r.dry_run === false)).toBe(true);
    const audited = rows.flatMap(
      (r) => r.changes as Array<{ kind: string; target: string; after: Record<string, unknown> }>,
    );
    for (const c of audited.filter((x) => x.kind === 'rule.priority')) {
      const id = Number(c.target.split(':')[1]);
      const history = audited.filter((x) => x.target === c.target);
      const [rule] = await sql<{ priority: number }>('select priority from routing_rules where id = ?', [id]);
      const lastPriority = history.filter((x) => x.kind === 'rule.priority').pop()!.after.priority;
      expect(rule.priority).toBe(lastPriority);
    }
    expect(audited.every((c) => c.kind && c.target && 'before' in c && 'after' in c && 'evidence' in c)).toBe(true);
    const report = (await request(gw.url).get('/tools/analyze_metrics').expect(200)).body.report;
    expect(report.lastOptimizerRun).toMatchObject({ id: rows[rows.length - 1].id, trigger: 'tool' });
    expect(report.text).toMatch(/Last optimizer run: #\d+ \(tool\)/);
  });

  it('feedback: record_feedback and POST /v1/feedback set the score; an unknown id is a 404', async () => {
    const [id] = await routeMany('write a python function', 1);
    const viaTool = await tool('record_feedback', { requestId: id, score: 0.25 }).expect(200);
    expect(viaTool.body).toMatchObject({ requestId: id, score: 0.25, previous: null });
    const viaHttp = await request(gw.url).post('/v1/feedback').send({ requestId: id, success: true }).expect(200);
    expect(viaHttp.body).toMatchObject({ score: 1, previous: 0.25 });
    const [row] = await sql<{ feedback_score: number; feedback_at: Date | null }>(
      'select feedback_score, feedback_at from request_log where id = ?',
      [id],
    );
    expect(row.feedback_score).toBe(1);
    expect(row.feedback_at).not.toBeNull();
    const missing = await request(gw.url).post('/v1/feedback').send({ requestId: 'nope', score: 1 }).expect(404);
    expect(missing.body.error.message).toMatch(/nope/);
    await request(gw.url).post('/v1/feedback').send({ requestId: id }).expect(400);
    await tool('record_feedback', { requestId: 'nope', success: false }).expect(404);
  });

  it('an A/B test records each arm per request and is concluded (winner promoted) only at confidence', async () => {
    const started = (
      await tool('start_ab_test', {
        name: 'cheap-vs-static',
        strategyA: 'static',
        strategyB: 'cheapest',
        split: 0.5,
        taskType: 'analysis',
      }).expect(200)
    ).body;
    await tool('start_ab_test', {
      name: 'clash',
      strategyA: 'static',
      strategyB: 'learned',
      taskType: 'analysis',
    }).expect(409);
    for (let i = 0; i < 6; i++)
      await tool('route', { prompt: `compare these two designs #${i}`, taskType: 'analysis' });
    const early = (await tool('run_optimizer', {}).expect(200)).body;
    expect(early.changes.some((c: { kind: string }) => c.kind === 'ab.conclude')).toBe(false);
    for (let i = 6; i < 160; i++)
      await tool('route', { prompt: `compare these two designs #${i}`, taskType: 'analysis' });
    // Count what was routed, not what the recorder's timer happened to write (the first 6 can all be arm B).
    await gw.app.get(RecorderService).flush();
    const arms = await sql<{ strategy_arm: string; n: number }>(
      `select strategy_arm, count(*)::int as n from request_log where strategy_arm like 'ab:%' group by 1 order by 1`,
    );
    expect(arms.map((a) => a.strategy_arm)).toEqual([`ab:${started.id}:A:static`, `ab:${started.id}:B:cheapest`]);
    const run = (await tool('run_optimizer', {}).expect(200)).body;
    // 'cheapest' sends analysis to sim-fast, which fails 70% of the time here: static (sim-balanced) must win.
    expect(run.changes).toContainEqual(
      expect.objectContaining({
        kind: 'ab.conclude',
        after: expect.objectContaining({ winner: 'A', promoted: 'static' }),
      }),
    );
    const tests = (await request(gw.url).get('/tools/get_ab_tests').expect(200)).body.tests;
    expect(tests[0]).toMatchObject({ id: started.id, status: 'finished', winner: 'A' });
    const after = (await tool('route', { prompt: 'compare again', taskType: 'analysis' }).expect(200)).body;
    await gw.app.get(RecorderService).flush();
    const [logged] = await sql<{ strategy_arm: string }>('select strategy_arm from request_log where id = ?', [
      after.decision.requestId,
    ]);
    expect(logged.strategy_arm).toBe('static');
  });
});
