import { queryRows } from '../src/database/query';
import { OptimizerScheduler, tickOf } from '../src/optimizer/optimizer.scheduler';
import { ON_POSTGRES } from './helpers/test-database';
import { startTestGateway, TestGateway, testConfig } from './helpers/test-gateway';
import { createGateway } from '../src/bootstrap/gateway';
import pino from 'pino';

/** Two replicas on one Postgres, their cron firing at the same ticks: exactly one optimizer_runs row per tick. */
(ON_POSTGRES ? describe : describe.skip)('optimizer leader election across replicas (e2e, Postgres)', () => {
  let first: TestGateway;
  let second: Awaited<ReturnType<typeof createGateway>>;

  beforeAll(async () => {
    // Every second: both replicas fire at the same ticks while the test runs.
    first = await startTestGateway((cfg) => (cfg.optimizer = { ...cfg.optimizer, cron: '* * * * * *' }));
    const config = testConfig((cfg) => {
      cfg.server = { host: '127.0.0.1', port: 0 };
      cfg.database = { ...first.config.database };
      cfg.optimizer = { ...cfg.optimizer, cron: '* * * * * *' };
    });
    second = await createGateway({ config, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await second?.close(1000);
    await first?.stop();
  });

  it('the same tick fired on both replicas at once runs once', async () => {
    const at = new Date('2030-01-01T00:15:00.000Z');
    await Promise.all([first.app.get(OptimizerScheduler).fire(at), second.app.get(OptimizerScheduler).fire(at)]);
    const rows = await queryRows<{ n: number }>(
      first.db.fork(),
      'select count(*)::int as n from optimizer_runs where tick = ?',
      [tickOf(at)],
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('with the cron firing every second on both, every tick has exactly one row and both replicas took part', async () => {
    await new Promise((r) => setTimeout(r, 4500));
    const a = first.app.get(OptimizerScheduler).stats;
    const b = second.app.get(OptimizerScheduler).stats;
    const rows = await queryRows<{ tick: string; n: number }>(
      first.db.fork(),
      `select tick, count(*)::int as n from optimizer_runs where trigger = 'cron' and tick <> ? group by tick`,
      [tickOf(new Date('2030-01-01T00:15:00.000Z'))],
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    expect(a.failed + b.failed).toBe(0);
    // Each replica fired on every tick: one ran it, the other found it taken.
    expect(a.ran + b.ran).toBeGreaterThanOrEqual(rows.length);
    expect(a.skipped + b.skipped).toBeGreaterThanOrEqual(rows.length - 1);
  });
});
