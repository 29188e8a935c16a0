import { useMemo, useState } from 'preact/hooks';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import type { AnalyzeMetricsResult, ListModelsResult } from '../api/gateway-types';
import { useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { ChartSeries, TimeChart } from '../components/chart';
import { PageHeader } from '../components/shell';
import { Badge, Empty, Panel, Segmented, Stat, ToolView, When } from '../components/ui';
import { fmtInt, fmtMs, fmtPercent, fmtRate, fmtShare, fmtUsd } from '../lib/format';
import { alignToAxis, bucketAxis } from '../lib/series';

type Usage = ConsoleToolOutput<'get_usage_series'>;
type Window = Usage['window'];
type GroupBy = 'model' | 'layer';

const WINDOW_LABELS: Record<Window, string> = { hour: 'Last hour', day: 'Last day', week: 'Last week' };

function UsageStats({ usage }: { usage: Usage }) {
  const seconds = (new Date(usage.to).getTime() - new Date(usage.from).getTime()) / 1000;
  const t = usage.totals;
  return (
    <div class="stats" data-testid="usage-stats">
      <Stat
        label="Requests / min"
        value={fmtRate(t.requests / (seconds / 60))}
        hint={`${fmtInt(t.requests)} requests`}
      />
      <Stat
        label="Success rate"
        value={t.requests ? fmtShare(t.successes / t.requests) : '—'}
        hint={`${fmtInt(t.successes)} succeeded`}
      />
      <Stat label="p50 latency" value={fmtMs(t.p50LatencyMs)} />
      <Stat label="p95 latency" value={fmtMs(t.p95LatencyMs)} />
      <Stat label="Cost / hour" value={fmtUsd(t.costUsd / (seconds / 3600))} hint={`${fmtUsd(t.costUsd)} in total`} />
    </div>
  );
}

function UsageCharts({ usage }: { usage: Usage }) {
  const charts = useMemo(() => {
    const x = bucketAxis(usage.from, usage.to, usage.bucketSeconds);
    const perMinute = usage.bucketSeconds / 60;
    const perHour = usage.bucketSeconds / 3600;
    const make = (
      value: (p: Usage['series'][number]['points'][number]) => number | null,
      empty: number | null,
    ): ChartSeries[] => usage.series.map((s) => ({ label: s.key, values: alignToAxis(x, s.points, value, empty) }));
    return {
      x,
      rpm: make((p) => p.requests / perMinute, 0),
      success: make((p) => (p.requests ? p.successes / p.requests : null), null),
      p95: make((p) => p.p95LatencyMs, null),
      cost: make((p) => p.costUsd / perHour, 0),
    };
  }, [usage]);
  if (usage.totals.requests === 0)
    return <Empty>No requests in this window. Send traffic to /v1/chat/completions and it shows here.</Empty>;
  return (
    <div class="chart-grid">
      <figure>
        <figcaption>Requests per minute</figcaption>
        <TimeChart x={charts.x} series={charts.rpm} format={fmtRate} testId="chart-rpm" />
      </figure>
      <figure>
        <figcaption>Success rate</figcaption>
        <TimeChart
          x={charts.x}
          series={charts.success}
          format={(v) => fmtShare(v, 0)}
          yMax={1}
          testId="chart-success"
        />
      </figure>
      <figure>
        <figcaption>p95 latency</figcaption>
        <TimeChart x={charts.x} series={charts.p95} format={fmtMs} testId="chart-p95" />
      </figure>
      <figure>
        <figcaption>Cost per hour</figcaption>
        <TimeChart x={charts.x} series={charts.cost} format={fmtUsd} testId="chart-cost" />
      </figure>
    </div>
  );
}

function ModelsTable({
  catalogue,
  metrics,
}: {
  catalogue: ListModelsResult;
  metrics: AnalyzeMetricsResult | undefined;
}) {
  const perf = new Map((metrics?.models ?? []).map((m) => [m.modelId, m]));
  const ids = [...new Set([...catalogue.models.map((m) => m.id), ...perf.keys()])];
  if (ids.length === 0) return <Empty>No models are configured.</Empty>;
  return (
    <div class="table-wrap">
      {/* data-metrics: the call figures are in (until then they read "…", never a false 0). */}
      <table data-testid="models-table" data-metrics={metrics ? 'loaded' : 'loading'}>
        <thead>
          <tr>
            <th>Model</th>
            <th>Layer</th>
            <th>Provider</th>
            <th>Ready</th>
            <th class="num">Calls</th>
            <th class="num">Success</th>
            <th class="num">Avg latency</th>
            <th class="num">Avg cost / call</th>
            <th class="num">Price in / out (per 1M tokens)</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => {
            const m = catalogue.models.find((c) => c.id === id);
            const p = perf.get(id);
            return (
              <tr key={id} data-model={id}>
                <td class="mono">{id}</td>
                <td>{m?.layer ?? '—'}</td>
                <td>{m?.provider ?? '—'}</td>
                <td data-testid="model-ready" data-ready={m ? String(m.available) : 'unknown'}>
                  {!m ? (
                    <Badge tone="muted">not in catalogue</Badge>
                  ) : m.available ? (
                    <Badge tone="ok">ready</Badge>
                  ) : (
                    <Badge tone="bad">unavailable</Badge>
                  )}
                  {m && m.breaker !== 'closed' && (
                    <>
                      {' '}
                      <Badge tone={m.breaker === 'open' ? 'bad' : 'warn'}>breaker {m.breaker}</Badge>
                    </>
                  )}
                  {m && m.reasons.length > 0 && <div class="muted small">{m.reasons.join('; ')}</div>}
                </td>
                <td class="num" data-testid="model-calls">
                  {p ? fmtInt(p.totalCalls) : metrics ? '0' : '…'}
                </td>
                <td class="num">{p ? fmtPercent(p.successRate) : '—'}</td>
                <td class="num">{p ? fmtMs(p.avgLatencyMs) : '—'}</td>
                <td class="num">{p ? fmtUsd(p.avgCost) : '—'}</td>
                <td class="num">{m ? `${fmtUsd(m.price.input)} / ${fmtUsd(m.price.output)}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function OverviewPage() {
  const { client } = useSession();
  const [win, setWin] = useState<Window>('hour');
  const [groupBy, setGroupBy] = useState<GroupBy>('model');
  const usage = useTool(
    'get_usage_series',
    () => client.readContract('get_usage_series', { window: win, groupBy }),
    `${win}:${groupBy}`,
    {
      refreshMs: 30_000,
    },
  );
  const models = useTool('list_models', () => client.read<ListModelsResult>('list_models'), '', { refreshMs: 30_000 });
  const metrics = useTool(
    'analyze_metrics',
    () => client.read<AnalyzeMetricsResult>('analyze_metrics', { includeReport: false }),
    '',
    {
      refreshMs: 30_000,
    },
  );
  const alerts = useTool('get_alerts', () => client.readContract('get_alerts', { status: 'open', limit: 20 }), '', {
    refreshMs: 30_000,
  });

  return (
    <>
      <PageHeader title="Overview" lead="Traffic, success, latency and cost of routed requests, by model or layer.">
        {usage.state.status !== 'missing' && (
          <>
            <Segmented
              label="Window"
              value={win}
              options={['hour', 'day', 'week'] as const}
              labels={WINDOW_LABELS}
              onChange={setWin}
            />
            <Segmented
              label="Group by"
              value={groupBy}
              options={['model', 'layer'] as const}
              labels={{ model: 'By model', layer: 'By layer' }}
              onChange={setGroupBy}
            />
          </>
        )}
      </PageHeader>
      <div class="grid">
        <Panel
          title={usage.state.status === 'missing' ? 'Traffic' : `Traffic · ${WINDOW_LABELS[win].toLowerCase()}`}
          subtitle="Aggregated by the gateway in SQL, per time bucket."
          wide
          testId="usage-panel"
        >
          <ToolView
            state={usage.state}
            what="traffic over time: requests per minute, success rate, p50 and p95 latency, cost per hour"
            onRetry={usage.reload}
          >
            {(u) => (
              <>
                <UsageStats usage={u} />
                <UsageCharts usage={u} />
              </>
            )}
          </ToolView>
        </Panel>
        <Panel
          title="Models"
          subtitle="Readiness from the catalogue; calls, success, latency and cost since the start of the record (model_performance)."
          wide
          testId="models-panel"
        >
          <ToolView state={models.state} what="the model catalogue" onRetry={models.reload}>
            {(catalogue) => (
              <ModelsTable
                catalogue={catalogue}
                metrics={metrics.state.status === 'ok' ? metrics.state.data : undefined}
              />
            )}
          </ToolView>
        </Panel>
        <Panel title="Providers" testId="providers-panel">
          <ToolView state={models.state} what="provider readiness">
            {(catalogue) =>
              catalogue.providers.length === 0 ? (
                <Empty>No providers are configured.</Empty>
              ) : (
                <ul class="plain-list">
                  {catalogue.providers.map((p) => (
                    <li key={p.id} data-testid="provider" data-provider={p.id} data-ready={String(p.ready)}>
                      <span class="mono">{p.id}</span> <span class="muted">({p.plugin})</span>{' '}
                      <Badge tone={p.ready ? 'ok' : p.state === 'disabled' ? 'muted' : 'bad'}>
                        {p.ready ? 'ready' : p.state === 'ready' ? 'not ready' : p.state}
                      </Badge>
                      {p.apiKey !== 'none' && (
                        <span class="muted small"> · API key {p.apiKey === 'present' ? 'set' : 'missing'}</span>
                      )}
                      {p.lastProbe && (
                        <span class="muted small">
                          {' '}
                          · probed <When iso={p.lastProbe.at} /> ({p.lastProbe.ok ? 'ok' : 'failed'},{' '}
                          {fmtMs(p.lastProbe.latencyMs)})
                        </span>
                      )}
                      {p.reasons.map((r) => (
                        <div key={r} class="muted small">
                          {r}
                        </div>
                      ))}
                    </li>
                  ))}
                </ul>
              )
            }
          </ToolView>
        </Panel>
        <Panel title="Open alerts" testId="alerts-panel">
          <ToolView
            state={alerts.state}
            what="alerts: degraded models, providers down, budgets crossed, failed replays"
          >
            {(a) =>
              a.items.length === 0 ? (
                <Empty>No open alerts.</Empty>
              ) : (
                <ul class="plain-list">
                  {a.items.map((al) => (
                    <li key={al.id}>
                      <Badge tone={al.severity === 'critical' ? 'bad' : al.severity === 'warning' ? 'warn' : 'info'}>
                        {al.severity}
                      </Badge>{' '}
                      <strong>{al.subject}</strong> {al.message} <When iso={al.openedAt} />
                    </li>
                  ))}
                </ul>
              )
            }
          </ToolView>
        </Panel>
      </div>
    </>
  );
}
