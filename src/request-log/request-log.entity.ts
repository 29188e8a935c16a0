import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** One row per routed request, written in batches by the recorder. */
@Entity({ tableName: 'request_log' })
@Index({ name: 'request_log_task_layer_idx', properties: ['taskType', 'layer'] })
export class RequestLog {
  /** The gateway-made request id (the x-request-id answered). */
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  /** The client's own x-request-id, when it sent one (several rows may share it). */
  @Property({ type: 'string', length: 64, nullable: true })
  @Index({ name: 'request_log_client_request_id_idx' })
  clientRequestId?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index({ name: 'request_log_ts_idx' })
  ts!: Date;

  @Property({ type: 'string', length: 100 })
  taskType!: string;

  @Property({ type: 'string', length: 10 })
  layer!: string;

  @Property({ type: 'string', length: 200 })
  @Index({ name: 'request_log_model_idx' })
  model!: string;

  @Property({ type: 'integer', nullable: true })
  @Index({ name: 'request_log_rule_id_idx' })
  ruleId?: number | null;

  @Property({ type: 'string', length: 100, nullable: true })
  @Index({ name: 'request_log_strategy_arm_idx' })
  strategyArm?: string | null;

  @Property({ type: 'integer', default: 0 })
  tokensIn: number = 0;

  @Property({ type: 'integer', default: 0 })
  tokensOut: number = 0;

  @Property({ type: 'double', default: 0 })
  cost: number = 0;

  @Property({ type: 'double', default: 0 })
  latencyMs: number = 0;

  @Property({ type: 'boolean' })
  @Index({ name: 'request_log_success_idx' })
  success!: boolean;

  @Property({ type: 'string', length: 50, nullable: true })
  errorClass?: string | null;

  @Property({ type: 'double', nullable: true })
  feedbackScore?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  feedbackAt?: Date | null;

  /** The judge's grade (0-1) of this answer, when it was sampled (optimizer.judge). */
  @Property({ type: 'double', nullable: true })
  judgeScore?: number | null;

  @Property({ type: 'integer', default: 1 })
  attempts: number = 1;

  @Property({ type: 'boolean', default: false })
  stream: boolean = false;

  /** Answered by the response cache: never an outcome of the model. */
  @Property({ type: 'boolean', default: false })
  cached: boolean = false;
}
