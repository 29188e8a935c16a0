import type { EvalDataset } from './datasets';
import { callCost, estimateTokens } from './datasets';

/** What a routing costs at a quality floor. */
export interface RoutingCost {
  /** Cost relative to always-strong at the floor. */
  cost: number;
  /** Share of requests sent to the strong model. */
  strongShare: number;
}

/** What the best possible routing by tag costs at a quality floor. */
export interface TagOracle extends RoutingCost {
  /** Distinct tags of the dataset. */
  tags: number;
}

interface TagSums {
  rows: number;
  weak: number;
  strong: number;
  costWeak: number;
  costStrong: number;
}

/**
 * The cheapest routing that decides by tag alone (task type, subject) and keeps `floor` x the strong
 * model's quality on the whole dataset, knowing every tag's true accuracies in advance: tags go to the
 * strong model in order of quality gained per dollar, the last one partly. A learner that sees only the
 * tag cannot beat it on average; one that learns online from the outcomes of its own choices pays its
 * estimation error on top. It bounds what per-tag learning can reach on a dataset (see the note in
 * learning/README.md), and per-prompt learning is what can go below it.
 */
export function tagOracle(dataset: EvalDataset, floor: number): TagOracle {
  const byTag = new Map<string, TagSums>();
  let qualityStrong = 0;
  let costStrong = 0;
  for (const row of dataset.rows) {
    const inputTokens = estimateTokens(row.prompt);
    const output = row.outputTokens ?? dataset.typicalOutputTokens;
    let t = byTag.get(row.tag);
    if (!t) byTag.set(row.tag, (t = { rows: 0, weak: 0, strong: 0, costWeak: 0, costStrong: 0 }));
    t.rows++;
    t.weak += row.quality.weak;
    t.strong += row.quality.strong;
    t.costWeak += callCost('weak', inputTokens, output.weak);
    t.costStrong += callCost('strong', inputTokens, output.strong);
    qualityStrong += row.quality.strong;
    costStrong += callCost('strong', inputTokens, output.strong);
  }
  const tags = [...byTag.values()];
  let quality = tags.reduce((s, t) => s + t.weak, 0);
  let cost = tags.reduce((s, t) => s + t.costWeak, 0);
  let strongRows = 0;
  const target = floor * qualityStrong;
  const gainPerDollar = (t: TagSums) => (t.strong - t.weak) / Math.max(t.costStrong - t.costWeak, 1e-12);
  for (const t of tags.sort((a, b) => gainPerDollar(b) - gainPerDollar(a))) {
    if (quality >= target || t.strong <= t.weak) break;
    // The last tag needed goes to the strong model only in part (a random share of its requests).
    const part = Math.min(1, (target - quality) / (t.strong - t.weak));
    quality += part * (t.strong - t.weak);
    cost += part * (t.costStrong - t.costWeak);
    strongRows += part * t.rows;
  }
  return { tags: byTag.size, cost: cost / costStrong, strongShare: strongRows / dataset.rows.length };
}

/** A last-half request as the learner ranked it: its estimated gain of the strong model per unit of cost. */
export interface RankedRequest {
  score: number;
  quality: { weak: number; strong: number };
  cost: { weak: number; strong: number };
}

/**
 * The learner's own ranking with the best threshold in hindsight: requests go to the strong model in the
 * order of the learner's estimated gain per cost (as it stood at each decision) until the stretch keeps
 * `floor` x always-strong's quality. It splits a run's cost into what the ranking allows (this) and what
 * setting the threshold online, from the learner's own evidence, adds on top (the run's cost minus this).
 */
export function hindsightThreshold(requests: readonly RankedRequest[], floor: number): RoutingCost {
  let quality = 0;
  let cost = 0;
  let qualityStrong = 0;
  let costStrong = 0;
  for (const r of requests) {
    quality += r.quality.weak;
    cost += r.cost.weak;
    qualityStrong += r.quality.strong;
    costStrong += r.cost.strong;
  }
  let strongRows = 0;
  for (const r of [...requests].sort((a, b) => b.score - a.score)) {
    if (quality >= floor * qualityStrong) break;
    quality += r.quality.strong - r.quality.weak;
    cost += r.cost.strong - r.cost.weak;
    strongRows++;
  }
  return {
    cost: costStrong > 0 ? cost / costStrong : 0,
    strongShare: requests.length > 0 ? strongRows / requests.length : 0,
  };
}
