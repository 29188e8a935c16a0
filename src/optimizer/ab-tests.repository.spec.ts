import { useTestDatabase } from '../../test/helpers/test-database';
import { AbTestsRepository, NewAbTest } from './ab-tests.repository';

const test = (name: string, o: Partial<NewAbTest> = {}): NewAbTest => ({
  name,
  strategyA: 'learned',
  strategyB: 'static',
  split: 0.5,
  taskType: null,
  ...o,
});

describe('AbTestsRepository', () => {
  let repo: AbTestsRepository;
  const database = useTestDatabase(['ab_tests']);
  beforeAll(() => {
    repo = new AbTestsRepository(database.db);
  });

  it('inserts a running test once per name', async () => {
    const created = await repo.insertRunning(test('t1', { taskType: 'chat', split: 0.25 }));
    expect(created).toMatchObject({ name: 't1', status: 'running', taskType: 'chat', split: 0.25, winner: null });
    expect(await repo.insertRunning(test('t1'))).toBeUndefined();
  });

  it('finds the running test on the same traffic only (null is all traffic)', async () => {
    await repo.insertRunning(test('all'));
    await repo.insertRunning(test('chat', { taskType: 'chat' }));
    expect(await repo.runningOn(null)).toBe('all');
    expect(await repo.runningOn('chat')).toBe('chat');
    expect(await repo.runningOn('math')).toBeUndefined();
  });

  it('concludes a running test once; lists by status, newest first', async () => {
    const a = (await repo.insertRunning(test('a')))!;
    const b = (await repo.insertRunning(test('b', { taskType: 'math' })))!;
    const done = await repo.markConcluded(a.id, 'finished', 'B', { z: 3 });
    expect(done).toMatchObject({ status: 'finished', winner: 'B', result: { z: 3 }, finishedAt: expect.any(String) });
    expect(await repo.markConcluded(a.id, 'stopped', null, {})).toBeUndefined();
    expect((await repo.list()).map((t) => t.name)).toEqual(['b', 'a']);
    expect((await repo.list('running')).map((t) => t.id)).toEqual([b.id]);
  });

  it('promotes the winner of the latest finished test per task type', async () => {
    const first = (await repo.insertRunning(test('first')))!;
    await repo.markConcluded(first.id, 'finished', 'A', {});
    const second = (await repo.insertRunning(test('second', { strategyA: 'greedy', strategyB: 'cheapest' })))!;
    await repo.markConcluded(second.id, 'finished', 'B', {});
    const chat = (await repo.insertRunning(test('chat', { taskType: 'chat' })))!;
    await repo.markConcluded(chat.id, 'stopped', null, {});
    expect(await repo.promotedStrategies()).toEqual(new Map([['*', 'cheapest']]));
  });
});
