import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { AbTest, Strategy } from './ab-test.entity';

export interface AbTestDto {
  id: number;
  name: string;
  strategyA: string;
  strategyB: string;
  split: number;
  taskType: string | null;
  status: string;
  winner: string | null;
  result: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface StartAbTestInput {
  name: string;
  strategyA: Strategy;
  strategyB: Strategy;
  split: number;
  taskType?: string;
}

/** ab_tests: start, list, conclude. The statistics live in the optimizer; this only stores. */
@Injectable()
export class AbTestsService {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Starts a test.
   * @throws InvalidInputError (field `strategyB`) when both arms are the same strategy
   * @throws ConflictError when the name is taken or a running test already covers the same traffic
   */
  async start(input: StartAbTestInput): Promise<AbTestDto> {
    if (input.strategyA === input.strategyB) throw InvalidInputError.field('strategyB', 'must differ from strategyA');
    const em = this.db.fork();
    const clash = await queryRows<{ name: string }>(
      em,
      `select name from ab_tests where status = 'running' and task_type is not distinct from ?`,
      [input.taskType ?? null],
    );
    if (clash.length > 0)
      throw new ConflictError(
        `the running test "${clash[0].name}" already covers ${input.taskType ? `task type "${input.taskType}"` : 'all task types'}; stop it first`,
      );
    const rows = await queryRows(
      em,
      `insert into ab_tests (name, strategy_a, strategy_b, split, task_type, status, started_at) values (?, ?, ?, ?, ?, 'running', now())
       on conflict (name) do nothing returning *`,
      [input.name, input.strategyA, input.strategyB, input.split, input.taskType ?? null],
    );
    if (rows.length === 0) throw new ConflictError(`an A/B test named "${input.name}" already exists`);
    return toDto(em.map(AbTest, rows[0]));
  }

  async list(status?: string): Promise<AbTestDto[]> {
    const tests = await this.db
      .fork()
      .find(AbTest, status ? { status: status as AbTest['status'] } : {}, { orderBy: { id: 'desc' }, limit: 200 });
    return tests.map(toDto);
  }

  /**
   * Ends a test: finished with a winner (or stopped without one).
   * @throws NotFoundError when no running test has this id
   */
  async conclude(
    id: number,
    status: 'finished' | 'stopped',
    winner: 'A' | 'B' | null,
    result: Record<string, unknown>,
  ): Promise<AbTestDto> {
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      `update ab_tests set status = ?, winner = ?, result = ?::jsonb, finished_at = now() where id = ? and status = 'running' returning *`,
      [status, winner, JSON.stringify(result), id],
    );
    if (rows.length === 0) throw new NotFoundError(`no running A/B test with id ${id}`);
    return toDto(em.map(AbTest, rows[0]));
  }

  /** Running tests, and the promoted strategy per task type ('*' for all) from the latest concluded tests. */
  async routingState(): Promise<{ running: AbTestDto[]; promoted: Map<string, Strategy> }> {
    const running = await this.list('running');
    const won = await queryRows<{ task_type: string | null; strategy: string }>(
      this.db.fork(),
      `select distinct on (coalesce(task_type, '*')) task_type, case winner when 'A' then strategy_a else strategy_b end as strategy
       from ab_tests where status = 'finished' and winner is not null order by coalesce(task_type, '*'), finished_at desc, id desc`,
    );
    return { running, promoted: new Map(won.map((w) => [w.task_type ?? '*', w.strategy as Strategy])) };
  }
}

export function toDto(t: AbTest): AbTestDto {
  return {
    id: t.id,
    name: t.name,
    strategyA: t.strategyA,
    strategyB: t.strategyB,
    split: t.split,
    taskType: t.taskType ?? null,
    status: t.status,
    winner: t.winner ?? null,
    result: t.result ?? null,
    startedAt: new Date(t.startedAt).toISOString(),
    finishedAt: t.finishedAt ? new Date(t.finishedAt).toISOString() : null,
  };
}
