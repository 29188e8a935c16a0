import { DatabaseService } from '../database/database.service';
import { useTestDatabase } from '../../test/helpers/test-database';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogReadsRepository } from './request-log-reads.repository';
import { gatewayConfigSchema } from '../config/config.schema';
import { RequestLogService } from './request-log.service';

describe('RequestLogService', () => {
  let db: DatabaseService;
  let service: RequestLogService;
  const database = useTestDatabase(['request_log']);
  beforeAll(() => {
    db = database.db;
    service = new RequestLogService(
      new RequestLogRepository(db),
      new RequestLogReadsRepository(db),
      gatewayConfigSchema.parse({}),
    );
  });

  async function count(table: string): Promise<number> {
    const res = await db.fork().getKnex().raw<{ rows: { n: number }[] }>(`select count(*)::int as n from ${table}`);
    return res.rows[0].n;
  }

  it('inserts a batch and skips request ids already logged', async () => {
    const row = (id: string) => ({
      id,
      ts: new Date(),
      taskType: 'chat',
      layer: 'fast',
      model: 'sim-fast',
      success: true,
      latencyMs: 12,
      cost: 0.001,
      tokensIn: 10,
      tokensOut: 20,
    });
    expect(
      await service.append([
        row('r1'),
        row('r2'),
        { ...row('r;3'), success: false, errorClass: 'timeout', ruleId: 7, stream: true },
      ]),
    ).toBe(3);
    expect(await service.append([row('r2'), row('r4')])).toBe(1);
    expect(await count('request_log')).toBe(4);
    expect(await service.append([])).toBe(0);
  });
});
