import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { AbTest, AbTestStatus, Strategy } from './ab-test.entity';

export interface AbTestDto {
  id: number;
  name: string;
  strategyA: string;
  strategyB: string;
  split: number;
  taskType: string | null;
  maxSample: number | null;
  status: string;
  winner: string | null;
  result: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface NewAbTest {
  name: string;
  strategyA: Strategy;
  strategyB: Strategy;
  split: number;
  taskType: string | null;
  maxSample?: number | null;
}

/** ab_tests: the A/B tests of routing strategies and their verdicts. */
@Injectable()
export class AbTestsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The name of a running test on exactly this traffic (a task type, or null for all), if any. */
  async runningOn(taskType: string | null): Promise<string | undefined> {
    const rows = await queryRows<{ name: string }>(
      this.db.fork(),
      `select name from ab_tests where status = 'running' and task_type is not distinct from ?`,
      [taskType],
    );
    return rows[0]?.name;
  }

  /** Inserts a running test; undefined when the name is taken (the unique constraint decides). */
  async insertRunning(test: NewAbTest): Promise<AbTestDto | undefined> {
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      `insert into ab_tests (name, strategy_a, strategy_b, split, task_type, max_sample, status, started_at) values (?, ?, ?, ?, ?, ?, 'running', now())
       on conflict (name) do nothing returning *`,
      [test.name, test.strategyA, test.strategyB, test.split, test.taskType, test.maxSample ?? null],
    );
    return rows.length === 0 ? undefined : toAbTestDto(em.map(AbTest, rows[0]));
  }

  /** Whether a test (any status) has this name. */
  async exists(name: string): Promise<boolean> {
    const rows = await queryRows(this.db.fork(), `select 1 from ab_tests where name = ?`, [name]);
    return rows.length > 0;
  }

  /** Newest first, at most 200. */
  async list(status?: AbTestStatus): Promise<AbTestDto[]> {
    const tests = await this.db.fork().find(AbTest, status ? { status } : {}, { orderBy: { id: 'desc' }, limit: 200 });
    return tests.map(toAbTestDto);
  }

  /** Ends a running test; undefined when no running test has this id. */
  async markConcluded(
    id: number,
    status: 'finished' | 'stopped',
    winner: 'A' | 'B' | null,
    result: Record<string, unknown>,
  ): Promise<AbTestDto | undefined> {
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      `update ab_tests set status = ?, winner = ?, result = ?::jsonb, finished_at = now() where id = ? and status = 'running' returning *`,
      [status, winner, JSON.stringify(result), id],
    );
    return rows.length === 0 ? undefined : toAbTestDto(em.map(AbTest, rows[0]));
  }

  /** The winning strategy of the latest finished test per task type ('*' for the tests on all traffic). */
  async promotedStrategies(): Promise<Map<string, Strategy>> {
    const won = await queryRows<{ task_type: string | null; strategy: string }>(
      this.db.fork(),
      `select distinct on (coalesce(task_type, '*')) task_type, case winner when 'A' then strategy_a else strategy_b end as strategy
       from ab_tests where status = 'finished' and winner is not null order by coalesce(task_type, '*'), finished_at desc, id desc`,
    );
    return new Map(won.map((w) => [w.task_type ?? '*', w.strategy as Strategy]));
  }
}

function toAbTestDto(t: AbTest): AbTestDto {
  return {
    id: t.id,
    name: t.name,
    strategyA: t.strategyA,
    strategyB: t.strategyB,
    split: t.split,
    taskType: t.taskType ?? null,
    maxSample: t.maxSample ?? null,
    status: t.status,
    winner: t.winner ?? null,
    result: t.result ?? null,
    startedAt: new Date(t.startedAt).toISOString(),
    finishedAt: t.finishedAt ? new Date(t.finishedAt).toISOString() : null,
  };
}
