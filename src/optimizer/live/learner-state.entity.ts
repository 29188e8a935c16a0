import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The per-prompt learner's saved state (LearnerService): one row per learner, versioned for several replicas. */
@Entity({ tableName: 'learner_state' })
export class LearnerState {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  /** Bumped by every save: a replica saves only over the version it last read or wrote. */
  @Property({ type: 'integer', default: 0 })
  version!: number;

  /** OnlineLearner.snapshot(), JSON. */
  @Property({ type: 'json' })
  snapshot!: unknown;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt!: Date;
}
