import type { EvalDataset } from './datasets';
import { estimateTokens } from './datasets';
import { callCost } from './replay';

/** What the best possible routing by tag costs at a quality floor. */
export interface TagOracle {
  /** Distinct tags of the dataset. */
  tags: number;
  /** Cost relative to always-strong at the floor. */
  cost: number;
  /** Share of requests sent to the strong model. */
  strongShare: number;
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
