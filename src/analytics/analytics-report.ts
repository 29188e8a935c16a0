import type { RankedModel } from '../model-performance/model-performance.schemas';
import type { LastOptimizerRun, RecentBug, ReportCounts } from './analytics.schemas';
import { formatUsd } from '../common/usd';

const PATTERN_PREVIEW = 120;

function percent(rate: number): string {
  return `${rate.toFixed(1)}%`;
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PATTERN_PREVIEW ? `${line.slice(0, PATTERN_PREVIEW - 1)}…` : line;
}

export function describeRankedModel(m: RankedModel): string {
  return `${m.rank}. ${m.modelId}: ${percent(m.successRate)} success over ${m.totalCalls} call(s), avg latency ${Math.round(m.avgLatencyMs)} ms, avg cost ${formatUsd(m.avgCost)}`;
}

export interface ReportParts {
  generatedAt: string;
  taskType: string | null;
  counts: ReportCounts;
  topModels: RankedModel[];
  recentBugs: RecentBug[];
  lastOptimizerRun: LastOptimizerRun | null;
}

function describeRun(run: LastOptimizerRun | null): string {
  if (!run) return '- Last optimizer run: none yet';
  const kinds = Object.entries(run.kinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return `- Last optimizer run: #${run.id} (${run.trigger}) at ${run.startedAt}, ${run.changes} change(s)${kinds ? ` (${kinds})` : ''}`;
}

/** The Markdown report MCP clients show; the same data is returned structured next to it. */
export function formatReport(parts: ReportParts): string {
  const { counts } = parts;
  const lines = [
    '# Performance Analysis Report',
    `Generated ${parts.generatedAt} for ${parts.taskType ? `task type "${parts.taskType}"` : 'all task types'}.`,
    '',
    '## Top performing models',
    ...(parts.topModels.length > 0 ? parts.topModels.map(describeRankedModel) : ['No model performance recorded yet.']),
    '',
    '## Recent bug patterns',
    ...(parts.recentBugs.length > 0
      ? parts.recentBugs.map(
          (b) => `- [${b.severity}] ${b.category}: ${preview(b.pattern)} (x${b.occurrences}, last seen ${b.lastSeen})`,
        )
      : ['No bug patterns recorded.']),
    '',
    '## Summary',
    `- Regression tests: ${counts.regressionTests}`,
    `- Bug patterns: ${counts.bugPatterns}`,
    `- Routing heuristics: ${counts.routingHeuristics.active} active of ${counts.routingHeuristics.total}`,
    `- Models tracked: ${counts.modelsTracked} (${counts.modelCalls} call(s) recorded)`,
    describeRun(parts.lastOptimizerRun),
  ];
  return lines.join('\n');
}
