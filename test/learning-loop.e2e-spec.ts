import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { ModelHealthMonitor } from '../src/alerts/model-health.monitor';
import { createGateway, GatewayHandle } from '../src/bootstrap/gateway';
import { PROJECT_ROOT } from '../src/common/app-info';
import { loadConfig } from '../src/config/config.loader';
import { queryRows } from '../src/database/query';
import { LearnedModelPolicy } from '../src/optimizer/learned-policy';
import { JudgeService } from '../src/optimizer/live/judge.service';
import { LearnerService } from '../src/optimizer/live/learner.service';
import { RecorderService } from '../src/recording/recorder.service';
import { waitFor } from './helpers/process';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

const MATH = [
  (i: number) => `Solve for x: ${i + 3}x + ${i * 7 + 1} = ${i * 11 + 40}. Show the equation steps.`,
  (i: number) => `Prove that the sum of the first ${i + 5} odd numbers is a perfect square (math proof).`,
  (i: number) => `Compute the derivative of x^${(i % 9) + 2} * sin(x) and simplify the equation.`,
];
const CHAT = [
  (i: number) => `Hi! Thanks for the help yesterday, talk soon (${i}).`,
  (i: number) => `Hello, how are you doing today? Just saying hi, friend number ${i}.`,
];

/**
 * Acceptance 5 of issue 11, on the default config (config/gateway.yaml, the simulated provider without its
 * sleeping): 500 requests, no caller feedback, the simulated judge grading its sample. The learner must not
 * drift to the cheapest model where that model is worse (sim-fast answers math right half of the time,
 * sim-deep 93%), while it may keep chat (where sim-fast is good) on the cheap model.
 */
describe('the learning loop without feedback (e2e, default config)', () => {
  let tdb: TestDatabase;
  let gw: GatewayHandle;
  let client: OpenAI;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const { config } = loadConfig({ GATEWAY_CONFIG: join(PROJECT_ROOT, 'config/gateway.yaml') });
    config.server = { host: '127.0.0.1', port: 0 };
    config.database = { ...config.database, url: tdb.target.url, dataDir: tdb.target.dataDir };
    config.optimizer.seed = 11;
    const sim = config.providers.find((p) => p.id === 'sim')!;
    sim.options = { ...sim.options, latencyScale: 0 };
    gw = await createGateway({ config, logger: pino({ level: 'silent' }), http: true });
    client = new OpenAI({ baseURL: `${await gw.listen()}/v1`, apiKey: 'none', maxRetries: 0 });
  }, 60000);

  afterAll(async () => {
    await gw?.close(1000);
    await tdb?.drop();
  });

  async function ask(prompt: string): Promise<string> {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    expect(data.choices[0].message.content).toBeTruthy();
    return response.headers.get('x-gateway-model')!;
  }

  it('learns from the judge alone that the cheapest model is worse at math, and keeps what it learned', async () => {
    const picks: Array<{ kind: 'math' | 'chat'; model: string }> = [];
    for (let i = 0; i < 500; i++) {
      const kind = i % 2 === 0 ? 'math' : 'chat';
      const templates = kind === 'math' ? MATH : CHAT;
      picks.push({ kind, model: await ask(templates[i % templates.length](i)) });
    }
    const judge = gw.app.get(JudgeService);
    await waitFor(
      () =>
        Promise.resolve(
          judge.snapshot().requested >= 100 && judge.snapshot().requested === graded(judge) ? true : undefined,
        ),
      20000,
      'the judge to finish its sample',
    );
    const stats = judge.snapshot();
    // About a quarter of the answers were graded, every grade parsed, and the judge's cost is known.
    expect(stats.requested / 500).toBeGreaterThan(0.18);
    expect(stats.requested / 500).toBeLessThan(0.32);
    expect(stats.noSignal + stats.failed).toBe(0);
    expect(stats.costUsd).toBeGreaterThan(0);

    const lastMath = picks.slice(300).filter((p) => p.kind === 'math');
    const cheapOnMath = lastMath.filter((p) => p.model === 'sim-fast').length / lastMath.length;
    // Measured: 0.16 with the judge (0.07 without the prompt memory: the simulated models' grades of a repeated
    // prompt are independent draws, and its sceptical prior still trusts a few lucky grades of the three
    // derivative prompts repeated here); 0.51 with sampleRate 0 (no quality signal at all).
    expect(cheapOnMath).toBeLessThan(0.2);
    expect(new Set(picks.slice(300).map((p) => p.model)).size).toBeGreaterThan(1);
    // The judge is never routed to.
    expect(picks.some((p) => p.model === 'sim-judge')).toBe(false);
    // Its grades are watched for drops (alerts.judge), per graded model.
    expect(gw.app.get(ModelHealthMonitor).judgedModels()).toEqual(expect.arrayContaining(['sim-fast']));

    // Judge calls are in request_log as such, with their cost.
    await gw.app.get(RecorderService).flush();
    const [row] = await queryRows<{ n: string; cost: number }>(
      gw.db.fork(),
      `select count(*) as n, sum(cost) as cost from request_log where task_type = 'judge' and strategy_arm like 'judge:%'`,
    );
    expect(Number(row.n)).toBe(stats.requested);
    expect(Number(row.cost)).toBeCloseTo(stats.costUsd, 6);

    // Each grade lands on the graded request's row, and the console's quality series shows it per model.
    const scored = async () => {
      const [r] = await queryRows<{ n: string }>(
        gw.db.fork(),
        `select count(*) as n from request_log where judge_score is not null and task_type <> 'judge'`,
      );
      return Number(r.n) === stats.graded ? true : undefined;
    };
    await waitFor(scored, 20000, 'every judge grade on its request_log row');
    const quality = (await (await fetch(`${gw.url}/tools/get_quality_series?window=hour`)).json()) as {
      judgeEnabled: boolean;
      series: { model: string; points: { judge: { mean: number; n: number } | null }[] }[];
    };
    expect(quality.judgeEnabled).toBe(true);
    const judged = quality.series.flatMap((x) => x.points.map((p) => p.judge?.n ?? 0));
    expect(judged.reduce((a, b) => a + b, 0)).toBe(stats.graded);

    const metrics = (await (await fetch(`${gw.url}/metrics`)).text()).split('\n');
    expect(metrics).toContain(`gateway_judge_calls_total{outcome="graded"} ${stats.graded}`);
    expect(metrics.some((l) => l.startsWith('gateway_judge_cost_usd_total '))).toBe(true);

    // The console's policy view answers with the judge configured: the judge is neither a routed model nor a task type.
    await gw.app.get(LearnedModelPolicy).reload(); // as the optimizer's run does: posteriors from request_log
    const policyRes = await fetch(`${gw.url}/tools/get_policy`);
    expect(policyRes.status).toBe(200);
    const policy = (await policyRes.json()) as {
      taskTypes: { taskType: string; models: { model: string }[] }[];
      promptLearner: {
        kind: string;
        trainedOn: number;
        models: { model: string; bias: number; features: { feature: string; weight: number }[] }[];
      } | null;
    };
    expect(policy.taskTypes.length).toBeGreaterThan(0);
    expect(policy.taskTypes.map((t) => t.taskType)).not.toContain('judge');
    for (const t of policy.taskTypes) expect(t.models.map((m) => m.model)).not.toContain('sim-judge');
    // ... and it shows what the per-prompt learner learned from the judge's grades: the cheap model's own
    // bias plus its math weight (its logit on a math request, words aside) is the lowest of the models.
    const learned = policy.promptLearner!;
    expect(learned.kind).toBe('weights');
    expect(learned.trainedOn).toBe(stats.graded);
    expect(learned.models.map((m) => m.model).sort()).toEqual(['sim-balanced', 'sim-deep', 'sim-fast']);
    const onMath = (m: (typeof learned.models)[number]) =>
      m.bias + (m.features.find((f) => f.feature === 'task_type=math')?.weight ?? 0);
    const fast = learned.models.find((m) => m.model === 'sim-fast')!;
    expect(onMath(fast)).toBeLessThan(Math.min(...learned.models.filter((m) => m !== fast).map(onMath)));

    // What was learned is saved: a restored learner decides like this one.
    const learner = gw.app.get(LearnerService);
    await learner.persist();
    const [saved] = await queryRows<{ version: number }>(gw.db.fork(), `select version from learner_state`);
    expect(Number(saved.version)).toBeGreaterThan(0);
  }, 240000);
});

function graded(judge: JudgeService): number {
  const s = judge.snapshot();
  return s.graded + s.noSignal + s.failed;
}
