import { useState } from 'preact/hooks';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import { ToolCallError } from '../api/client';
import { useAction } from '../api/hooks';
import { useSession } from '../api/session';
import { EstimateBar } from '../components/estimate-bar';
import { Badge, Field, FormError, NotAvailable, Panel } from '../components/ui';
import { fmtInt, fmtNumber, fmtShare, fmtUsd } from '../lib/format';
import { handler } from '../lib/handler';

type Explained = ConsoleToolOutput<'explain_route'>;

function Decision({ d }: { d: Explained }) {
  return (
    <div class="decision" data-testid="route-decision">
      <dl class="facts">
        <div>
          <dt>Would call</dt>
          <dd class="mono strong">{d.model}</dd>
        </div>
        <div>
          <dt>Layer</dt>
          <dd>{d.layer}</dd>
        </div>
        <div>
          <dt>Task type</dt>
          <dd>
            {d.classification.taskType}{' '}
            <span class="muted">
              · {d.classification.size} · {fmtInt(d.classification.promptTokens)} tokens
            </span>
          </dd>
        </div>
        <div>
          <dt>Matched rule</dt>
          <dd>
            {d.rule ? (
              <span class="mono">
                #{d.rule.id} {d.rule.pattern}
              </span>
            ) : (
              <span class="muted">none</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Strategy</dt>
          <dd>
            {d.strategy} {d.warm ? <Badge tone="ok">learned</Badge> : <Badge tone="warn">warming up</Badge>}
          </dd>
        </div>
        <div>
          <dt>Objective</dt>
          <dd>
            {d.objective.kind === 'quality_floor'
              ? `quality floor ${fmtShare(d.objective.qualityFloor)}`
              : `cost weight ${fmtNumber(d.objective.costWeight)}`}
          </dd>
        </div>
      </dl>
      <p class="muted">{d.reason}</p>
      <table>
        <thead>
          <tr>
            <th class="num">#</th>
            <th>Candidate</th>
            <th>Layer</th>
            <th>Estimated quality</th>
            <th class="num">Est. cost</th>
            <th class="num">Utility</th>
            <th>State</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {d.candidates.map((c) => (
            <tr key={c.model} class={c.chosen ? 'chosen' : ''}>
              <td class="num">{c.rank}</td>
              <td class="mono">{c.model}</td>
              <td>{c.layer}</td>
              <td>{c.quality ? <EstimateBar {...c.quality} /> : <span class="muted">no outcomes yet</span>}</td>
              <td class="num">{fmtUsd(c.estimatedCostUsd)}</td>
              <td class="num">{fmtNumber(c.utility)}</td>
              <td>
                {!c.available ? (
                  <Badge tone="bad">unavailable</Badge>
                ) : c.breaker !== 'closed' ? (
                  <Badge tone="warn">breaker {c.breaker}</Badge>
                ) : (
                  <Badge tone="ok">ready</Badge>
                )}
              </td>
              <td class="small">{c.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Try a prompt": the decision the router would take, without calling any model. */
export function TryPrompt() {
  const { client, has } = useSession();
  const [prompt, setPrompt] = useState('');
  const [result, setResult] = useState<Explained | null>(null);
  const explain = useAction((p: string) => client.postContract('explain_route', { prompt: p }));
  if (!has('explain_route'))
    return (
      <Panel title="Try a prompt" wide testId="try-panel">
        <NotAvailable
          tool="explain_route"
          what="the decision the router would take for a prompt (classification, matched rule, ranked candidates with their estimates) without calling a model"
        />
      </Panel>
    );
  const issue = explain.error instanceof ToolCallError ? explain.error.issueFor('prompt') : undefined;
  return (
    <Panel
      title="Try a prompt"
      subtitle="Shows what the router would decide. No model is called and nothing is recorded."
      wide
      testId="try-panel"
    >
      <form
        class="try-form"
        onSubmit={handler(async (e: Event) => {
          e.preventDefault();
          setResult((await explain.run(prompt)) ?? null);
        })}
      >
        <Field label="Prompt" error={issue}>
          <textarea
            rows={3}
            value={prompt}
            onInput={(e) => setPrompt(e.currentTarget.value)}
            placeholder="Refactor this service into smaller modules…"
          />
        </Field>
        <button type="submit" class="btn btn-primary" disabled={explain.busy || !prompt.trim()}>
          Explain the route
        </button>
      </form>
      <FormError error={explain.error} fields={['prompt']} />
      {result && <Decision d={result} />}
    </Panel>
  );
}
