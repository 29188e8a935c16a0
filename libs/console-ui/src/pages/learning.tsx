import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import type { OptimizerRunsResult, PolicyView } from '../api/gateway-types';
import { Loaded, useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { EstimateBar, ShareBar } from '../components/estimate-bar';
import { PageHeader } from '../components/shell';
import { Badge, Empty, NotAvailable, Panel, ToolView, When } from '../components/ui';
import { fmtInt, fmtNumber, fmtShare, fmtUsd } from '../lib/format';
import { AbTestsPanel } from './ab-tests';
import { OptimizerRunsPanel } from './optimizer-runs';

type Policy = ConsoleToolOutput<'get_policy'>;

function ObjectiveView({ policy }: { policy: Policy }) {
  const o = policy.objective;
  return (
    <dl class="facts" data-testid="objective">
      <div>
        <dt>Objective</dt>
        <dd>
          {o.kind === 'quality_floor'
            ? `cheapest model within ${fmtShare(o.qualityFloor)} of the best`
            : `utility: quality − ${fmtNumber(o.costWeight)} × cost − ${fmtNumber(o.latencyWeight)} × latency`}
        </dd>
      </div>
      <div>
        <dt>Default strategy</dt>
        <dd>
          {policy.strategy.default}
          {policy.strategy.abTestId !== null && (
            <span class="muted"> (A/B test #{policy.strategy.abTestId} running)</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Exploration</dt>
        <dd>{fmtShare(o.exploration)}</dd>
      </div>
      <div>
        <dt>Warm after</dt>
        <dd>{fmtInt(o.minSample)} outcomes</dd>
      </div>
      <div>
        <dt>Intervals</dt>
        <dd>{fmtShare(o.confidence, 0)} credible</dd>
      </div>
      <div>
        <dt>Learns from</dt>
        <dd>last {fmtInt(policy.windowHours)} h</dd>
      </div>
      <div>
        <dt>Rebuilt</dt>
        <dd>
          <When iso={policy.updatedAt} />
        </dd>
      </div>
    </dl>
  );
}

function TaskTypes({ policy }: { policy: Policy }) {
  if (policy.taskTypes.length === 0) return <Empty>No outcomes yet: the policy learns from routed requests.</Empty>;
  return (
    <div class="task-types">
      {policy.taskTypes.map((t) => (
        <div class="task-type" key={t.taskType} data-testid="task-type" data-task-type={t.taskType}>
          <h3>
            {t.taskType} <span class="muted">· {fmtInt(t.observed)} outcomes</span>{' '}
            {t.warm ? <Badge tone="ok">learned</Badge> : <Badge tone="warn">warming up</Badge>}
            {t.chosen && (
              <span class="muted">
                {' '}
                · prefers <span class="mono">{t.chosen}</span>
              </span>
            )}
          </h3>
          <table>
            <thead>
              <tr>
                <th>Model</th>
                <th>Estimated quality (interval)</th>
                <th class="num">n</th>
                <th>Traffic share</th>
                <th class="num">Cost / request</th>
                <th class="num">Utility</th>
                <th>Floor</th>
              </tr>
            </thead>
            <tbody>
              {t.models.map((m) => (
                <tr key={m.model} class={m.model === t.chosen ? 'chosen' : ''}>
                  <td class="mono">{m.model}</td>
                  <td>
                    <EstimateBar {...m.quality} />
                  </td>
                  <td class="num">{fmtInt(m.quality.n)}</td>
                  <td>
                    <ShareBar share={m.share} />
                  </td>
                  <td class="num">{fmtUsd(m.costPerRequestUsd)}</td>
                  <td class="num">{fmtNumber(m.utility)}</td>
                  <td>{m.eligible ? <Badge tone="ok">meets</Badge> : <Badge tone="muted">below</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

/** What the optimizer's last rebuild reports (get_optimizer_runs.policy) while get_policy is missing. */
function PolicyFromRuns({ policy }: { policy: PolicyView[] }) {
  if (policy.length === 0) return <Empty>No outcomes yet: the policy learns from routed requests.</Empty>;
  return (
    <div class="task-types" data-testid="policy-from-runs">
      {policy.map((t) => (
        <div class="task-type" key={t.taskType} data-testid="task-type" data-task-type={t.taskType}>
          <h3>
            {t.taskType} <span class="muted">· {fmtInt(t.observed)} outcomes</span>{' '}
            {t.warm ? <Badge tone="ok">learned</Badge> : <Badge tone="warn">warming up</Badge>}
          </h3>
          <table>
            <thead>
              <tr>
                <th>Model</th>
                <th class="num">n</th>
                <th class="num">Reward rate</th>
                <th class="num">Utility</th>
              </tr>
            </thead>
            <tbody>
              {[...t.models]
                .sort((a, b) => b.utility - a.utility)
                .map((m) => (
                  <tr key={m.model}>
                    <td class="mono">{m.model}</td>
                    <td class="num">{fmtInt(m.n)}</td>
                    <td class="num">
                      {m.n === 0 ? (
                        <span class="muted" title="no outcomes yet: the prior the policy starts from">
                          prior {fmtShare(m.successRate)}
                        </span>
                      ) : (
                        fmtShare(m.successRate)
                      )}
                    </td>
                    <td class="num">{fmtNumber(m.utility)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function PromptLearner({ learner }: { learner: Policy['promptLearner'] }) {
  if (!learner) return <Empty>The per-prompt learner has not trained yet.</Empty>;
  if (learner.kind === 'weights')
    return (
      <div class="learner" data-testid="prompt-learner">
        <p class="muted">
          Trained on {fmtInt(learner.trainedOn)} graded outcomes, <When iso={learner.updatedAt} />. Each model's own
          weights (logits, where it differs from the others): its bias, then its task-type weights, largest first. Word
          weights are hashed and not listed.
        </p>
        {learner.models.map((m) => (
          <div key={m.model} class="learner-model">
            <h3 class="mono">
              {m.model} <span class="muted">bias {fmtNumber(m.bias)}</span>
            </h3>
            <ul class="weights">
              {m.features.slice(0, 12).map((f) => (
                <li key={f.feature} class={f.weight >= 0 ? 'pos' : 'neg'}>
                  <span class="mono">{f.feature}</span> {fmtNumber(f.weight)}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    );
  return (
    <div class="learner" data-testid="prompt-learner">
      <p class="muted">
        Trained on {fmtInt(learner.trainedOn)} outcomes, <When iso={learner.updatedAt} />. Nearest stored examples:
      </p>
      <table>
        <thead>
          <tr>
            <th>Request</th>
            <th>Task type</th>
            <th>Features</th>
            <th>Model</th>
            <th class="num">Reward</th>
          </tr>
        </thead>
        <tbody>
          {learner.examples.map((e) => (
            <tr key={e.requestId}>
              <td class="mono">{e.requestId.slice(0, 8)}</td>
              <td>{e.taskType}</td>
              <td class="mono small">{e.features.join(' ')}</td>
              <td class="mono">{e.model}</td>
              <td class="num">{fmtShare(e.reward)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PolicyPanels({ policy, runs }: { policy: Loaded<Policy>; runs: Loaded<OptimizerRunsResult> }) {
  if (policy.status === 'missing')
    return (
      <>
        <Panel title="Objective in force" testId="objective-panel">
          <NotAvailable
            tool="get_policy"
            what="the objective in force: quality floor or cost weight, exploration, default strategy"
          />
        </Panel>
        <Panel title="Per-prompt learner" testId="learner-panel">
          <NotAvailable tool="get_policy" what="the per-prompt learner: its feature weights or nearest examples" />
        </Panel>
        <Panel
          title="Learned policy per task type"
          subtitle="From the optimizer's last rebuild: reward rate and utility per model. Intervals and traffic shares need get_policy."
          wide
          testId="policy-panel"
        >
          <ToolView state={runs} what="the learned policy">
            {(r) => <PolicyFromRuns policy={r.policy} />}
          </ToolView>
        </Panel>
      </>
    );
  return (
    <>
      <Panel title="Objective in force" wide testId="objective-panel">
        <ToolView state={policy} what="the objective in force">
          {(p) => <ObjectiveView policy={p} />}
        </ToolView>
      </Panel>
      <Panel
        title="Learned policy per task type"
        subtitle="Each model's estimated quality with its interval, outcomes and share of traffic."
        wide
        testId="policy-panel"
      >
        <ToolView state={policy} what="the learned policy">
          {(p) => <TaskTypes policy={p} />}
        </ToolView>
      </Panel>
      <Panel title="Per-prompt learner" wide testId="learner-panel">
        <ToolView state={policy} what="the per-prompt learner">
          {(p) => <PromptLearner learner={p.promptLearner} />}
        </ToolView>
      </Panel>
    </>
  );
}

export function LearningPage() {
  const { client } = useSession();
  const policy = useTool('get_policy', () => client.readContract('get_policy', {}), '', { refreshMs: 30_000 });
  const runs = useTool(
    'get_optimizer_runs',
    () => client.read<OptimizerRunsResult>('get_optimizer_runs', { limit: 20 }),
    '',
    {
      refreshMs: 30_000,
    },
  );
  return (
    <>
      <PageHeader title="Learning" lead="What the gateway has learned, what it changed, and on what evidence." />
      <div class="grid">
        <PolicyPanels policy={policy.state} runs={runs.state} />
        <OptimizerRunsPanel runs={runs} />
        <AbTestsPanel
          policy={policy.state.status === 'ok' ? policy.state.data : undefined}
          policyMissing={policy.state.status === 'missing'}
        />
      </div>
    </>
  );
}
