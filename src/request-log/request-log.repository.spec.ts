import { DatabaseService } from '../database/database.service';
import { useTestDatabase } from '../../test/helpers/test-database';
import { RequestLogRepository } from './request-log.repository';
import type { RequestLogInput } from './request-log.types';

const T0 = new Date('2026-11-29T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function row(id: string, o: Partial<RequestLogInput> = {}): RequestLogInput {
  return { id, ts: at(0), taskType: 'chat', layer: 'fast', model: 'm1', success: true, latencyMs: 10, cost: 1, ...o };
}

describe('RequestLogRepository', () => {
  let db: DatabaseService;
  let repo: RequestLogRepository;
  const database = useTestDatabase(['request_log']);
  beforeAll(() => {
    db = database.db;
    repo = new RequestLogRepository(db);
  });

  async function columns(id: string): Promise<Record<string, unknown>> {
    const res = await db
      .fork()
      .getKnex()
      .raw<{ rows: Record<string, unknown>[] }>('select * from request_log where id = ?', [id]);
    return res.rows[0];
  }

  it('stores every column, defaults the optional ones, and takes rows JSON cannot carry', async () => {
    expect(
      await repo.insert([
        row('full', {
          ruleId: 3,
          strategyArm: 'ab:1:A:learned',
          tokensIn: 5,
          tokensOut: 7,
          errorClass: 'timeout',
          attempts: 2,
          stream: true,
          success: false,
        }),
        row('bare', { taskType: 'chat\uD800' }),
      ]),
    ).toBe(2);
    // NaN has no JSON form: such a batch goes as bound parameters (on PGlite too).
    expect(await repo.insert([row('odd', { cost: Number.NaN })])).toBe(1);
    expect(await columns('full')).toMatchObject({
      rule_id: 3,
      strategy_arm: 'ab:1:A:learned',
      tokens_in: 5,
      tokens_out: 7,
      error_class: 'timeout',
      attempts: 2,
      stream: true,
      success: false,
    });
    expect(await columns('bare')).toMatchObject({
      task_type: 'chat\uFFFD',
      rule_id: null,
      strategy_arm: null,
      tokens_in: 0,
      attempts: 1,
      stream: false,
      feedback_score: null,
    });
    expect(Number.isNaN(Number((await columns('odd')).cost))).toBe(true);
  });

  it('aggregates outcomes per model in [since, until), rewarding by feedback and leaving out unrouted requests', async () => {
    await repo.insert([
      row('a', { ts: at(1), latencyMs: 100, cost: 2 }),
      row('b', { ts: at(2), success: false, latencyMs: 300, cost: 4 }),
      row('c', { ts: at(3), model: 'm2', taskType: 'math' }),
      row('d', { ts: at(4), model: 'none', success: false }),
      row('early', { ts: at(-1) }),
      row('late', { ts: at(10) }),
    ]);
    await repo.setFeedback('a', 0.25);
    expect(await repo.outcomesPerModel(at(0), at(10))).toEqual([
      { taskType: 'chat', model: 'm1', n: 2, reward: 0.25, latencyMs: 400, costSum: 6 },
      { taskType: 'math', model: 'm2', n: 1, reward: 1, latencyMs: 10, costSum: 1 },
    ]);
  });

  it('aggregates outcomes per rule with the rule’s dominant task type and model', async () => {
    await repo.insert([
      row('r1', { ruleId: 1, ts: at(1) }),
      row('r2', { ruleId: 1, ts: at(2), model: 'm2', taskType: 'code' }),
      row('r3', { ruleId: 1, ts: at(3), model: 'm2', taskType: 'code', success: false }),
      row('r4', { ruleId: 2, ts: at(4) }),
      row('old', { ruleId: 2, ts: at(-5) }),
      row('none', { ts: at(5) }),
    ]);
    expect(await repo.outcomesPerRule(at(0))).toEqual([
      { ruleId: 1, n: 3, reward: 2, latencyMs: 30, costSum: 3, taskType: 'code', model: 'm2' },
      { ruleId: 2, n: 1, reward: 1, latencyMs: 10, costSum: 1, taskType: 'chat', model: 'm1' },
    ]);
  });

  it('gives reward moments per strategy arm for one prefix only (LIKE wildcards in it are literal)', async () => {
    await repo.insert([
      row('a1', { strategyArm: 'ab:1:A:learned' }),
      row('a2', { strategyArm: 'ab:1:A:learned', success: false }),
      row('b1', { strategyArm: 'ab:1:B:static', model: 'm2' }),
      row('other', { strategyArm: 'ab:10:A:learned' }),
      row('wild', { strategyArm: 'abX1:A:learned' }),
    ]);
    await repo.setFeedback('a1', 0.5);
    expect(await repo.rewardMomentsPerArm('ab:1:')).toEqual([
      { strategyArm: 'ab:1:A:learned', model: 'm1', n: 2, reward: 0.5, rewardSq: 0.25 },
      { strategyArm: 'ab:1:B:static', model: 'm2', n: 1, reward: 1, rewardSq: 1 },
    ]);
    expect(await repo.rewardMomentsPerArm('ab_1')).toEqual([]);
  });

  it('sets feedback, returning what it replaced; an unknown id changes nothing', async () => {
    await repo.insert([row('f', { ts: at(1) })]);
    expect(await repo.setFeedback('f', 0.5)).toEqual({
      requestId: 'f',
      taskType: 'chat',
      model: 'm1',
      success: true,
      ts: at(1),
      previous: null,
      score: 0.5,
    });
    expect((await repo.setFeedback('f', 1))?.previous).toBe(0.5);
    expect(await repo.setFeedback('missing', 1)).toBeUndefined();
    expect(await columns('f')).toMatchObject({ feedback_score: 1 });
  });
});
