import { useState } from 'preact/hooks';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import { ToolCallError } from '../api/client';
import type { AbTest, AbTestsResult, StartAbTestInput, StrategyName } from '../api/gateway-types';
import { useAction, useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { Badge, Empty, Field, FormError, Panel, ToolView, When } from '../components/ui';
import { fmtInt, fmtNumber, fmtShare } from '../lib/format';
import { handler } from '../lib/handler';

type LiveEvidence = ConsoleToolOutput<'get_policy'>['abTests'][number];
const STRATEGIES: StrategyName[] = ['learned', 'static', 'cheapest', 'greedy'];

interface ArmFigures {
  a: number | null;
  b: number | null;
  effect: number | null;
  pValue: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The figures of a test: its stored verdict (finished) or the live evidence (running, from get_policy). */
function figures(test: AbTest, live: LiveEvidence | undefined): ArmFigures | null {
  if (live) {
    const a = live.arms.find((x) => x.arm === 'A');
    const b = live.arms.find((x) => x.arm === 'B');
    return { a: a?.requests ?? null, b: b?.requests ?? null, effect: live.effect, pValue: live.pValue };
  }
  const r = test.result;
  if (!r || typeof r.A !== 'object' || typeof r.B !== 'object') return null;
  const A = r.A as Record<string, unknown>;
  const B = r.B as Record<string, unknown>;
  const ua = num(A.utility);
  const ub = num(B.utility);
  return {
    a: num(A.requests),
    b: num(B.requests),
    effect: ua !== null && ub !== null ? ub - ua : null,
    pValue: num(r.pValue),
  };
}

function StartForm({ onStarted }: { onStarted: () => void }) {
  const { client } = useSession();
  const [form, setForm] = useState<StartAbTestInput>({
    name: '',
    strategyA: 'static',
    strategyB: 'learned',
    split: 0.5,
  });
  const start = useAction((input: StartAbTestInput) => client.write<AbTest>('start_ab_test', input));
  const issue = (path: string) => (start.error instanceof ToolCallError ? start.error.issueFor(path) : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input: StartAbTestInput = { ...form, taskType: form.taskType?.trim() || undefined };
    if (await start.run(input)) {
      setForm({ ...form, name: '' });
      onStarted();
    }
  };
  return (
    <form class="inline-form" onSubmit={handler(submit)} data-testid="ab-start-form">
      <Field label="Name" error={issue('name')}>
        <input
          value={form.name}
          onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          placeholder="cheap-vs-learned"
          required
        />
      </Field>
      <Field label="Control (A)" error={issue('strategyA')}>
        <select
          value={form.strategyA}
          onChange={(e) => setForm({ ...form, strategyA: e.currentTarget.value as StrategyName })}
        >
          {STRATEGIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field label="Challenger (B)" error={issue('strategyB')}>
        <select
          value={form.strategyB}
          onChange={(e) => setForm({ ...form, strategyB: e.currentTarget.value as StrategyName })}
        >
          {STRATEGIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field label="Share to B" error={issue('split')}>
        <input
          type="number"
          min={0.01}
          max={0.99}
          step={0.01}
          value={form.split}
          onInput={(e) => setForm({ ...form, split: Number(e.currentTarget.value) })}
        />
      </Field>
      <Field label="Task type (optional)" error={issue('taskType')}>
        <input
          value={form.taskType ?? ''}
          onInput={(e) => setForm({ ...form, taskType: e.currentTarget.value })}
          placeholder="all"
        />
      </Field>
      <button type="submit" class="btn btn-primary" disabled={start.busy || !form.name.trim()}>
        Start test
      </button>
      <FormError error={start.error} fields={['name', 'strategyA', 'strategyB', 'split', 'taskType']} />
    </form>
  );
}

export function AbTestsPanel({
  policy,
  policyMissing,
}: {
  policy?: ConsoleToolOutput<'get_policy'>;
  policyMissing: boolean;
}) {
  const { client, can } = useSession();
  const tests = useTool('get_ab_tests', () => client.read<AbTestsResult>('get_ab_tests'), '', { refreshMs: 30_000 });
  const stop = useAction((id: number) => client.write<AbTest>('stop_ab_test', { id }));
  const writable = can('tools:write');
  const live = new Map((policy?.abTests ?? []).map((t) => [t.id, t]));
  return (
    <Panel
      title="A/B tests"
      subtitle="Routing strategies against each other; the optimizer ends a test only at statistical confidence."
      wide
      testId="ab-panel"
    >
      {writable && <StartForm onStarted={tests.reload} />}
      <FormError error={stop.error} />
      <ToolView state={tests.state} what="the A/B tests" onRetry={tests.reload}>
        {(r) =>
          r.tests.length === 0 ? (
            <Empty>No A/B tests yet.</Empty>
          ) : (
            <>
              <div class="table-wrap">
                <table data-testid="ab-table">
                  <thead>
                    <tr>
                      <th>Test</th>
                      <th>A vs B</th>
                      <th class="num">Share to B</th>
                      <th>Task type</th>
                      <th>Status</th>
                      <th class="num">n (A / B)</th>
                      <th class="num">Effect (B − A)</th>
                      <th class="num">p-value</th>
                      <th>Started</th>
                      {writable && <th />}
                    </tr>
                  </thead>
                  <tbody>
                    {r.tests.map((t) => {
                      const f = figures(t, live.get(t.id));
                      return (
                        <tr key={t.id} data-testid="ab-row" data-name={t.name} data-status={t.status}>
                          <td>
                            <span class="mono">#{t.id}</span> {t.name}
                          </td>
                          <td>
                            {t.strategyA} <span class="muted">vs</span> {t.strategyB}
                          </td>
                          <td class="num">{fmtShare(t.split, 0)}</td>
                          <td>{t.taskType ?? <span class="muted">all</span>}</td>
                          <td>
                            <Badge tone={t.status === 'running' ? 'info' : t.status === 'finished' ? 'ok' : 'muted'}>
                              {t.status}
                            </Badge>
                            {t.winner && <span> winner {t.winner}</span>}
                          </td>
                          <td class="num">{f ? `${fmtInt(f.a)} / ${fmtInt(f.b)}` : '—'}</td>
                          <td class="num">{fmtNumber(f?.effect ?? null)}</td>
                          <td class="num">{fmtNumber(f?.pValue ?? null)}</td>
                          <td>
                            <When iso={t.startedAt} />
                          </td>
                          {writable && (
                            <td>
                              {t.status === 'running' && (
                                <button
                                  type="button"
                                  class="btn btn-small btn-danger"
                                  disabled={stop.busy}
                                  onClick={handler(async () => (await stop.run(t.id)) && tests.reload())}
                                >
                                  Stop
                                </button>
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {policyMissing && r.tests.some((t) => t.status === 'running') && (
                <p class="muted small" data-testid="ab-live-missing">
                  Sample sizes, effect and p-value of a running test come from <code>get_policy</code>, which this
                  gateway does not provide yet; a concluded test shows the evidence it was decided on.
                </p>
              )}
            </>
          )
        }
      </ToolView>
    </Panel>
  );
}
