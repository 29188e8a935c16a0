import { useState } from 'preact/hooks';
import type { BugPattern, BugPatternsPage, RegressionTestsPage, Severity } from '../api/gateway-types';
import { useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { PageHeader } from '../components/shell';
import { Badge, Empty, Panel, Segmented, ToolView, When } from '../components/ui';
import { fmtInt } from '../lib/format';

const LIMIT = 500;
const SEVERITY_RANK: Record<Severity, number> = { critical: 3, high: 2, medium: 1, low: 0 };
const SEVERITY_TONE: Record<Severity, 'bad' | 'warn' | 'info' | 'muted'> = {
  critical: 'bad',
  high: 'warn',
  medium: 'info',
  low: 'muted',
};
type SortKey = 'occurrences' | 'severity' | 'recent';

function sortPatterns(items: BugPattern[], key: SortKey): BugPattern[] {
  const bySeverity = (a: BugPattern, b: BugPattern) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  const byCount = (a: BugPattern, b: BugPattern) => b.occurrences - a.occurrences;
  const byRecent = (a: BugPattern, b: BugPattern) => b.lastSeen.localeCompare(a.lastSeen);
  const order = key === 'occurrences' ? [byCount, bySeverity] : key === 'severity' ? [bySeverity, byCount] : [byRecent];
  return [...items].sort((a, b) => order.reduce((d, f) => d || f(a, b), 0));
}

function Shown({ count, total }: { count: number; total: number }) {
  return count < total ? (
    <p class="muted small">
      Showing {fmtInt(count)} of {fmtInt(total)}.
    </p>
  ) : null;
}

export function FailuresPage() {
  const { client } = useSession();
  const [sort, setSort] = useState<SortKey>('occurrences');
  const patterns = useTool(
    'get_bug_patterns',
    () => client.read<BugPatternsPage>('get_bug_patterns', { limit: LIMIT }),
    '',
    { refreshMs: 60_000 },
  );
  const tests = useTool(
    'get_regression_tests',
    () => client.read<RegressionTestsPage>('get_regression_tests', { limit: LIMIT }),
    '',
    {
      refreshMs: 60_000,
    },
  );
  return (
    <>
      <PageHeader
        title="Failures"
        lead="Failures that keep coming back, and the regression tests recorded from them."
      />
      <div class="grid">
        <Panel
          title="Bug patterns"
          subtitle="Failures de-duplicated by fingerprint; a repeat counts an occurrence and keeps the highest severity."
          wide
          testId="patterns-panel"
          actions={
            <Segmented
              label="Sort"
              value={sort}
              options={['occurrences', 'severity', 'recent'] as const}
              labels={{ occurrences: 'By occurrences', severity: 'By severity', recent: 'Most recent' }}
              onChange={setSort}
            />
          }
        >
          <ToolView state={patterns.state} what="the bug patterns" onRetry={patterns.reload}>
            {(p) =>
              p.items.length === 0 ? (
                <Empty>No failures recorded. Failed requests show up here, grouped by their error signature.</Empty>
              ) : (
                <>
                  <div class="table-wrap">
                    <table data-testid="patterns-table">
                      <thead>
                        <tr>
                          <th class="num">Occurrences</th>
                          <th>Severity</th>
                          <th>Category</th>
                          <th>Signature</th>
                          <th>Description</th>
                          <th>First seen</th>
                          <th>Last seen</th>
                        </tr>
                      </thead>
                      <tbody>
                        {sortPatterns(p.items, sort).map((b) => (
                          <tr key={b.id} data-testid="pattern-row" data-pattern-id={b.id}>
                            <td class="num strong" data-col="occurrences">
                              {fmtInt(b.occurrences)}
                            </td>
                            <td>
                              <Badge tone={SEVERITY_TONE[b.severity]}>{b.severity}</Badge>
                            </td>
                            <td>{b.category}</td>
                            <td class="mono clip" title={b.pattern}>
                              {b.pattern}
                            </td>
                            <td class="clip" title={b.solution ? `Solution: ${b.solution}` : b.description}>
                              {b.description}
                            </td>
                            <td>
                              <When iso={b.firstSeen} />
                            </td>
                            <td>
                              <When iso={b.lastSeen} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <Shown count={p.items.length} total={p.total} />
                </>
              )
            }
          </ToolView>
        </Panel>
        <Panel
          title="Regression tests"
          subtitle="Recorded from failures (with a redacted replay) or by hand; the last replay's result beside each."
          wide
          testId="tests-panel"
        >
          <ToolView state={tests.state} what="the regression tests" onRetry={tests.reload}>
            {(t) =>
              t.items.length === 0 ? (
                <Empty>No regression tests yet. A new kind of failure records one with a replay snapshot.</Empty>
              ) : (
                <>
                  <div class="table-wrap">
                    <table data-testid="tests-table">
                      <thead>
                        <tr>
                          <th>Test</th>
                          <th>Category</th>
                          <th>From</th>
                          <th>Replay</th>
                          <th>Last run</th>
                          <th>Last result</th>
                          <th>Created</th>
                        </tr>
                      </thead>
                      <tbody>
                        {t.items.map((r) => (
                          <tr key={r.id} data-testid="test-row" data-test-name={r.testName}>
                            <td>
                              <details>
                                <summary class="mono">{r.testName}</summary>
                                <p>{r.description}</p>
                                <p>
                                  <strong>Expected:</strong> {r.expectedBehavior}
                                </p>
                                <pre class="code">{r.testCode}</pre>
                              </details>
                            </td>
                            <td>{r.category}</td>
                            <td>{r.discoveredFrom}</td>
                            <td>
                              {r.replay ? <Badge tone="info">replayable</Badge> : <span class="muted">none</span>}
                            </td>
                            <td>{r.lastRunAt ? <When iso={r.lastRunAt} /> : <span class="muted">never</span>}</td>
                            <td data-col="last-result">
                              {r.lastResult === null ? (
                                <span class="muted">—</span>
                              ) : (
                                <Badge tone={/^(pass|passed|ok)/i.test(r.lastResult) ? 'ok' : 'bad'}>
                                  {r.lastResult}
                                </Badge>
                              )}
                            </td>
                            <td>
                              <When iso={r.createdAt} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  <Shown count={t.items.length} total={t.total} />
                </>
              )
            }
          </ToolView>
        </Panel>
      </div>
    </>
  );
}
