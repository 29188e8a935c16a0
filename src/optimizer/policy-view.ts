import type { BanditArm, ThompsonBandit } from './bandit';

/** One task type's learned ranking, for the audit and the tools. */
export interface PolicyView {
  taskType: string;
  observed: number;
  warm: boolean;
  models: Array<{ model: string; n: number; successRate: number; utility: number }>;
}

/** Every task type's ranking in a bandit (best expected utility first). */
export function viewOf(bandit: ThompsonBandit, arms: readonly BanditArm[], minSample: number): PolicyView[] {
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

/** The arm of the best mean utility on a task type. */
export function bestArm(bandit: ThompsonBandit, taskType: string, arms: readonly BanditArm[]): BanditArm | undefined {
  let best: BanditArm | undefined;
  let bestU = -Infinity;
  for (const arm of arms) {
    const u = bandit.meanUtility(taskType, arm);
    if (u > bestU) {
      best = arm;
      bestU = u;
    }
  }
  return best;
}

/** The cheapest arm within the bandit's margin of the best mean utility (what the learned strategy expects). */
export function preferredArm(
  bandit: ThompsonBandit,
  taskType: string,
  arms: readonly BanditArm[],
): BanditArm | undefined {
  let top = -Infinity;
  for (const arm of arms) top = Math.max(top, bandit.meanUtility(taskType, arm));
  let pick: BanditArm | undefined;
  for (const arm of arms) {
    if (bandit.meanUtility(taskType, arm) < top - bandit.options.margin) continue;
    if (!pick || arm.relativePrice < pick.relativePrice) pick = arm;
  }
  return pick;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
