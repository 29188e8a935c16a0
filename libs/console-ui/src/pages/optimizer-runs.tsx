import { useState } from 'preact/hooks';
import type { OptimizerChange, OptimizerRunsResult, RunOptimizerResult } from '../api/gateway-types';
import { ToolState, useAction } from '../api/hooks';
import { useSession } from '../api/session';
import { ChangeDiff } from '../components/change-diff';
import { Badge, Empty, FormError, Panel, ToolView, When } from '../components/ui';
import { fmtDuration } from '../lib/format';

function Changes({ changes }: { changes: OptimizerChange[] }) {
  if (changes.length === 0) return <p class="muted">No changes: no rule or policy had enough evidence to move.</p>;
  return (
    <div class="changes">
      {changes.map((c, i) => (
        <ChangeDiff key={`${c.kind}:${c.target}:${i}`} change={c} />
      ))}
    </div>
  );
}

/** Optimizer runs with the diff and evidence of every change; admins can dry-run or run it now. */
export function OptimizerRunsPanel({ runs }: { runs: ToolState<OptimizerRunsResult> }) {
  const { client, can } = useSession();
  const [preview, setPreview] = useState<RunOptimizerResult | null>(null);
  const run = useAction((dryRun: boolean) => client.write<RunOptimizerResult>('run_optimizer', { dryRun }));
  const go = async (dryRun: boolean) => {
    const result = await run.run(dryRun);
    if (!result) return;
    if (dryRun) setPreview(result);
    else {
      setPreview(null);
      runs.reload();
    }
  };
  const actions = can('admin') ? (
    <>
      <button
        type="button"
        class="btn"
        disabled={run.busy}
        onClick={() => void go(true)}
        data-testid="optimizer-dry-run"
      >
        Dry run
      </button>
      <button
        type="button"
        class="btn btn-primary"
        disabled={run.busy}
        onClick={() => void go(false)}
        data-testid="optimizer-run"
      >
        Run now
      </button>
    </>
  ) : undefined;
  return (
    <Panel
      title="Optimizer runs"
      subtitle="Every change with its before, after and evidence."
      wide
      actions={actions}
      testId="runs-panel"
    >
      <FormError error={run.error} />
      {preview && (
        <div class="preview" data-testid="dry-run-result">
          <div class="preview-head">
            <strong>Dry run</strong>{' '}
            <span class="muted">· nothing was written · {preview.changes.length} change(s) it would make</span>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => setPreview(null)}>
              Close
            </button>
          </div>
          <Changes changes={preview.changes} />
        </div>
      )}
      <ToolView state={runs.state} what="the optimizer runs" onRetry={runs.reload}>
        {(r) =>
          r.runs.length === 0 ? (
            <Empty>The optimizer has not run yet (it runs on its schedule, or with run_optimizer).</Empty>
          ) : (
            <div class="runs" data-testid="runs">
              {r.runs.map((x, i) => (
                <details key={x.id} open={i === 0 && x.changes.length > 0} data-testid="optimizer-run-row">
                  <summary>
                    <span class="mono">#{x.id}</span> <Badge tone="muted">{x.trigger}</Badge> <When iso={x.startedAt} />
                    {x.finishedAt && x.finishedAt !== x.startedAt && (
                      <span class="muted"> · took {fmtDuration(x.startedAt, x.finishedAt)}</span>
                    )}
                    <span class="run-count">{x.changes.length} change(s)</span>
                  </summary>
                  <Changes changes={x.changes} />
                </details>
              ))}
            </div>
          )
        }
      </ToolView>
    </Panel>
  );
}
