import { useMemo, useState } from 'preact/hooks';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import type { AnalyzeMetricsResult } from '../api/gateway-types';
import { useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { TimeChart } from '../components/chart';
import { PageHeader } from '../components/shell';
import { Empty, Panel, Segmented, ToolView } from '../components/ui';
import { fmtInt, fmtMs, fmtPercent, fmtShare } from '../lib/format';
import { alignToAxis, bucketAxis } from '../lib/series';

type Quality = ConsoleToolOutput<'get_quality_series'>;
type Point = Quality['series'][number]['points'][number];
type Win = Quality['window'];

function QualityCharts({ q }: { q: Quality }) {
  const data = useMemo(() => {
    const x = bucketAxis(q.from, q.to, q.bucketSeconds);
    const line = (value: (p: Point) => number | null) =>
      q.series.map((s) => ({ label: s.model, values: alignToAxis(x, s.points, value, null) }));
    const counts = (pick: (p: Point) => number) =>
      q.series.reduce((n, s) => n + s.points.reduce((m, p) => m + pick(p), 0), 0);
    return {
      x,
      judge: line((p) => p.judge?.mean ?? null),
      caller: line((p) => p.caller?.mean ?? null),
      success: line((p) => p.success.rate),
      judged: counts((p) => p.judge?.n ?? 0),
      rated: counts((p) => p.caller?.n ?? 0),
      calls: counts((p) => p.success.n),
    };
  }, [q]);
  if (data.calls === 0) return <Empty>No requests in this window.</Empty>;
  const pct = (v: number) => fmtShare(v, 0);
  return (
    <div class="chart-grid chart-grid-3">
      <figure>
        <figcaption>
          Judge score <span class="muted">· {fmtInt(data.judged)} graded</span>
        </figcaption>
        {!q.judgeEnabled ? (
          <Empty>The judge is off (optimizer.judge): no answers are graded.</Empty>
        ) : data.judged === 0 ? (
          <Empty>No graded answers in this window.</Empty>
        ) : (
          <TimeChart x={data.x} series={data.judge} format={pct} yMax={1} spanGaps testId="chart-judge" />
        )}
      </figure>
      <figure>
        <figcaption>
          Caller score <span class="muted">· {fmtInt(data.rated)} rated</span>
        </figcaption>
        {data.rated === 0 ? (
          <Empty>No caller feedback in this window (record_feedback, POST /v1/feedback).</Empty>
        ) : (
          <TimeChart x={data.x} series={data.caller} format={pct} yMax={1} spanGaps testId="chart-caller" />
        )}
      </figure>
      <figure>
        <figcaption>
          Call success <span class="muted">· {fmtInt(data.calls)} calls</span>
        </figcaption>
        <TimeChart x={data.x} series={data.success} format={pct} yMax={1} testId="chart-call-success" />
      </figure>
    </div>
  );
}

export function QualityPage() {
  const { client } = useSession();
  const [win, setWin] = useState<Win>('day');
  const quality = useTool('get_quality_series', () => client.readContract('get_quality_series', { window: win }), win, {
    refreshMs: 60_000,
  });
  const metrics = useTool(
    'analyze_metrics',
    () => client.read<AnalyzeMetricsResult>('analyze_metrics', { includeReport: false }),
    '',
  );
  return (
    <>
      <PageHeader
        title="Quality"
        lead="How good the answers are, per model: the judge's grades, the callers' scores and plain call success."
      >
        {quality.state.status !== 'missing' && (
          <Segmented
            label="Window"
            value={win}
            options={['hour', 'day', 'week'] as const}
            labels={{ hour: 'Last hour', day: 'Last day', week: 'Last week' }}
            onChange={setWin}
          />
        )}
      </PageHeader>
      <div class="grid">
        <Panel
          title="Scores over time"
          subtitle="Mean score per model and time bucket (0–100%)."
          wide
          testId="quality-panel"
        >
          <ToolView state={quality.state} what="judge and caller scores per model over time" onRetry={quality.reload}>
            {(q) => <QualityCharts q={q} />}
          </ToolView>
        </Panel>
        <Panel
          title="Call success by model"
          subtitle="Since the start of the record (model_performance); a call succeeds when the model answered."
          wide
          testId="success-panel"
        >
          <ToolView state={metrics.state} what="call success by model" onRetry={metrics.reload}>
            {(m) =>
              m.models.length === 0 ? (
                <Empty>No calls recorded yet.</Empty>
              ) : (
                <table data-testid="success-table">
                  <thead>
                    <tr>
                      <th class="num">Rank</th>
                      <th>Model</th>
                      <th class="num">Calls</th>
                      <th class="num">Succeeded</th>
                      <th class="num">Success rate</th>
                      <th class="num">Avg latency</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.models.map((r) => (
                      <tr key={r.modelId} data-model={r.modelId}>
                        <td class="num">{r.rank}</td>
                        <td class="mono">{r.modelId}</td>
                        <td class="num">{fmtInt(r.totalCalls)}</td>
                        <td class="num">{fmtInt(r.successes)}</td>
                        <td class="num">{fmtPercent(r.successRate)}</td>
                        <td class="num">{fmtMs(r.avgLatencyMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </ToolView>
        </Panel>
      </div>
    </>
  );
}
