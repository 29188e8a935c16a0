import { DatabaseService } from '../database/database.service';
import { tryLockedTransaction } from '../database/locked-transaction';
import { ON_POSTGRES, useTestDatabase } from '../../test/helpers/test-database';
import { OptimizerRunsRepository } from './optimizer-runs.repository';

describe('OptimizerRunsRepository', () => {
  let db: DatabaseService;
  let repo: OptimizerRunsRepository;
  const database = useTestDatabase(['optimizer_runs']);
  beforeAll(() => {
    db = database.db;
    repo = new OptimizerRunsRepository(db);
  });

  it('records a run, completes it, and reads it back as the latest', async () => {
    expect(await repo.latest()).toBeNull();
    const id = (await repo.insertStarted('cli', null))!;
    const started = await repo.latest();
    expect(started).toMatchObject({ id, trigger: 'cli', tick: null, finishedAt: null, changes: [] });
    await repo.markFinished(id, [{ kind: 'rule.priority', target: 'rule:1' }]);
    expect(await repo.latest()).toMatchObject({
      id,
      finishedAt: expect.any(String),
      changes: [{ kind: 'rule.priority', target: 'rule:1' }],
    });
  });

  it('keeps one row per tick: a second start of the same tick is refused', async () => {
    const tick = '2026-11-29T10:15:00.000Z';
    const [a, b] = await Promise.all([repo.insertStarted('cron', tick), repo.insertStarted('cron', tick)]);
    expect([a, b].filter((id) => id !== undefined)).toHaveLength(1);
    expect(await repo.insertStarted('cron', null)).toEqual(expect.any(Number));
    expect(await repo.insertStarted('tool', null)).toEqual(expect.any(Number));
  });

  it('lists newest first, up to the limit', async () => {
    const ids = [];
    for (const trigger of ['cli', 'tool', 'cron'] as const) ids.push((await repo.insertStarted(trigger, null))!);
    expect((await repo.list(2)).map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });

  (ON_POSTGRES ? it : it.skip)(
    'writes inside a locked transaction: nothing is seen before commit, nothing after rollback',
    async () => {
      const url = db.orm.config.get('clientUrl')!;
      const tx = (await tryLockedTransaction(url, 727_100_999))!;
      expect(await tryLockedTransaction(url, 727_100_999)).toBeUndefined();
      const id = (await repo.insertStarted('cron', '2026-11-29T11:00:00.000Z', tx))!;
      await repo.markFinished(id, [{ kind: 'x' }], tx);
      expect(await repo.latest()).toBeNull();
      await tx.commit();
      expect(await repo.latest()).toMatchObject({ id, changes: [{ kind: 'x' }] });
      const rolled = (await tryLockedTransaction(url, 727_100_999))!;
      await repo.insertStarted('cron', '2026-11-29T11:15:00.000Z', rolled);
      await rolled.rollback();
      expect((await repo.list(10)).map((r) => r.id)).toEqual([id]);
    },
  );
});
