import { useState } from 'preact/hooks';
import type { ListModelsResult, RoutingRule, RoutingRulesPage } from '../api/gateway-types';
import { useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { PageHeader } from '../components/shell';
import { Badge, Empty, Panel, ToolView, When } from '../components/ui';
import { fmtInt, fmtPercent } from '../lib/format';
import { RuleEditor, RuleQuickActions } from './rule-editor';
import { TryPrompt } from './try-prompt';

const PAGE = 100;

function RulesTable(props: { page: RoutingRulesPage; models: string[]; writable: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState<number | null>(null);
  if (props.page.items.length === 0)
    return <Empty>No routing rules yet. Rules send prompts that match a pattern to a layer or model.</Empty>;
  const cols = props.writable ? 10 : 9;
  return (
    <div class="table-wrap">
      <table data-testid="rules-table">
        <thead>
          <tr>
            <th class="num">Priority</th>
            <th>Pattern (RE2, case-insensitive)</th>
            <th>Layer</th>
            <th>Model</th>
            <th>Status</th>
            <th>Source</th>
            <th class="num">Success</th>
            <th class="num">Uses</th>
            <th>Updated</th>
            {props.writable && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.page.items.map((r: RoutingRule) => [
            <tr key={r.id} class={r.active ? '' : 'inactive'} data-testid="rule-row" data-rule-id={r.id}>
              <td class="num" data-col="priority">
                {r.priority}
              </td>
              <td class="mono pattern" data-col="pattern" title={r.metadata.reasoning ?? ''}>
                {r.pattern}
              </td>
              <td data-col="layer">{r.preferredLayer}</td>
              <td class="mono" data-col="model">
                {r.preferredModel ?? <span class="muted">layer's choice</span>}
              </td>
              <td data-col="status">
                {r.active ? <Badge tone="ok">active</Badge> : <Badge tone="muted">inactive</Badge>}{' '}
                {r.pinned && <Badge tone="info">pinned</Badge>}
              </td>
              <td>{r.source}</td>
              <td class="num">{r.metadata.successRate === undefined ? '—' : fmtPercent(r.metadata.successRate)}</td>
              <td class="num">{r.metadata.usageCount === undefined ? '—' : fmtInt(r.metadata.usageCount)}</td>
              <td>
                <When iso={r.updatedAt} />
              </td>
              {props.writable && (
                <td class="actions">
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => setEditing(editing === r.id ? null : r.id)}
                    data-testid="rule-edit"
                  >
                    Edit
                  </button>
                  <RuleQuickActions rule={r} onSaved={props.onSaved} />
                </td>
              )}
            </tr>,
            editing === r.id && (
              <tr key={`${r.id}-edit`} class="edit-row">
                <td colSpan={cols}>
                  <RuleEditor
                    rule={r}
                    models={props.models}
                    onDone={(saved) => {
                      setEditing(null);
                      if (saved) props.onSaved();
                    }}
                  />
                </td>
              </tr>
            ),
          ])}
        </tbody>
      </table>
    </div>
  );
}

export function RulesPage() {
  const { client, can } = useSession();
  const [offset, setOffset] = useState(0);
  const rules = useTool(
    'get_routing_heuristics',
    () => client.read<RoutingRulesPage>('get_routing_heuristics', { activeOnly: false, limit: PAGE, offset }),
    String(offset),
  );
  const models = useTool('list_models', () => client.read<ListModelsResult>('list_models'), '');
  const modelIds = models.state.status === 'ok' ? models.state.data.models.map((m) => m.id) : [];
  const writable = can('tools:write');
  return (
    <>
      <PageHeader
        title="Routing rules"
        lead="Prompts matching a rule's pattern go to its layer or model; rules are tried by priority, highest first."
      />
      <div class="grid">
        <Panel
          title="Rules"
          subtitle="Pinned rules are never changed by the optimizer. Inactive rules are kept but never match."
          wide
          testId="rules-panel"
          actions={
            rules.state.status === 'ok' && rules.state.data.total > PAGE ? (
              <div class="pager">
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  Previous
                </button>
                <span>
                  {offset + 1}–{Math.min(offset + PAGE, rules.state.data.total)} of {fmtInt(rules.state.data.total)}
                </span>
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={offset + PAGE >= rules.state.data.total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  Next
                </button>
              </div>
            ) : undefined
          }
        >
          {writable && <RuleEditor models={modelIds} onDone={(saved) => saved && rules.reload()} />}
          <ToolView state={rules.state} what="the routing rules" onRetry={rules.reload}>
            {(page) => <RulesTable page={page} models={modelIds} writable={writable} onSaved={rules.reload} />}
          </ToolView>
        </Panel>
        <TryPrompt />
      </div>
    </>
  );
}
