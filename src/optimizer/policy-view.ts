import { BanditArm, ThompsonBandit } from './bandit';

/** One task type's learned ranking, for the audit and the tools. */
export interface PolicyView {
  taskType: string;
  observed: number;
  warm: boolean;
  models: Array<{ model: string; n: number; successRate: number; utility: number }>;
}

/** The ranking of every task type with outcomes in `bandit` (best expected utility first). */
export function policyViews(bandit: ThompsonBandit, arms: readonly BanditArm[], minSample: number): PolicyView[] {
  return bandit.taskTypes().map((taskType) => {
    const observed = bandit.observed(taskType, arms);
    const models = arms.map((arm) => {
      const { alpha, beta } = bandit.posterior(taskType, arm);
      return {
        model: arm.id,
        n: bandit.get(taskType, arm.id)?.n ?? 0,
        successRate: round(alpha / (alpha + beta)),
        utility: round(bandit.meanUtility(taskType, arm)),
      };
    });
    models.sort((a, b) => b.utility - a.utility || a.model.localeCompare(b.model));
    return { taskType, observed, warm: observed >= minSample, models };
  });
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
