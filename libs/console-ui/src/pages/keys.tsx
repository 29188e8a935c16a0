import { useState } from 'preact/hooks';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import { ToolCallError } from '../api/client';
import type { Scope } from '../api/gateway-types';
import { useAction, useTool } from '../api/hooks';
import { useSession } from '../api/session';
import { PageHeader } from '../components/shell';
import { Badge, Empty, Field, FormError, NotAvailable, Panel, ToolView, When } from '../components/ui';
import { fmtUsd } from '../lib/format';
import { handler } from '../lib/handler';

type KeySummary = ConsoleToolOutput<'list_api_keys'>['items'][number];
type Period = 'day' | 'month' | 'total';
const SCOPES: Scope[] = ['route', 'tools:read', 'tools:write', 'admin'];

function BudgetCell({ k }: { k: KeySummary }) {
  if (!k.budget) return <span class="muted">no budget</span>;
  const used = k.budget.limitUsd > 0 ? k.budget.spentUsd / k.budget.limitUsd : 0;
  return (
    <div
      class="budget"
      title={k.budget.resetsAt ? `resets ${new Date(k.budget.resetsAt).toLocaleString()}` : 'for the key lifetime'}
    >
      <div class="share-track">
        <div
          class={`share-fill${used >= 1 ? ' over' : used >= 0.8 ? ' near' : ''}`}
          style={{ width: `${Math.min(1, used) * 100}%` }}
        />
      </div>
      <span>
        {fmtUsd(k.budget.spentUsd)} of {fmtUsd(k.budget.limitUsd)} / {k.budget.period}
      </span>
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated: () => void }) {
  const { client, has } = useSession();
  // Budgets need the budgets tools; a gateway without them refuses a budget, so the form does not offer one.
  const budgets = has('set_key_budget');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['route']);
  const [limit, setLimit] = useState('');
  const [period, setPeriod] = useState<Period>('month');
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(() =>
    client.postContract('create_api_key', {
      name,
      scopes,
      budget: budgets && limit ? { limitUsd: Number(limit), period } : undefined,
    }),
  );
  const issue = (p: string) => (create.error instanceof ToolCallError ? create.error.issueFor(p) : undefined);
  return (
    <>
      <form
        class="inline-form"
        onSubmit={handler(async (e: Event) => {
          e.preventDefault();
          const r = await create.run();
          if (r) {
            setCreated(r.key);
            setName('');
            onCreated();
          }
        })}
      >
        <Field label="Name" error={issue('name')}>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="billing-service" required />
        </Field>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} class="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />{' '}
              {s}
            </label>
          ))}
          {issue('scopes') && <span class="field-error">{issue('scopes')}</span>}
        </fieldset>
        {budgets && (
          <>
            <Field label="Budget (USD, optional)" error={issue('budget')}>
              <input
                type="number"
                min={0}
                step={0.01}
                value={limit}
                onInput={(e) => setLimit(e.currentTarget.value)}
                class="narrow"
                placeholder="none"
              />
            </Field>
            <Field label="per">
              <select value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
                <option value="day">day</option>
                <option value="month">month</option>
                <option value="total">in total</option>
              </select>
            </Field>
          </>
        )}
        <button type="submit" class="btn btn-primary" disabled={create.busy || !name.trim() || scopes.length === 0}>
          Create key
        </button>
        <FormError error={create.error} fields={['name', 'scopes', 'budget']} />
      </form>
      {created && (
        <div class="created-key" role="status">
          <strong>New key, shown once:</strong> <code data-testid="created-key">{created}</code>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => setCreated(null)}>
            I stored it
          </button>
        </div>
      )}
    </>
  );
}

function KeyRow({ k, onChanged }: { k: KeySummary; onChanged: () => void }) {
  const { client, has } = useSession();
  const [budget, setBudget] = useState(k.budget ? String(k.budget.limitUsd) : '');
  const [period, setPeriod] = useState<Period>(k.budget?.period ?? 'month');
  const revoke = useAction(() => client.postContract('revoke_api_key', { id: k.id }));
  const setKeyBudget = useAction(() =>
    client.postContract('set_key_budget', { id: k.id, budget: budget ? { limitUsd: Number(budget), period } : null }),
  );
  const error = revoke.error ?? setKeyBudget.error;
  return (
    <tr class={k.revokedAt ? 'inactive' : ''} data-testid="key-row" data-key-id={k.id}>
      <td>
        <strong>{k.name}</strong> <span class="mono muted">{k.prefix}…</span>
      </td>
      <td>
        {k.scopes.map((s) => (
          <Badge key={s} tone={s === 'admin' ? 'warn' : 'muted'}>
            {s}
          </Badge>
        ))}
      </td>
      <td>
        <When iso={k.createdAt} />
      </td>
      <td>{k.lastUsedAt ? <When iso={k.lastUsedAt} /> : <span class="muted">never</span>}</td>
      <td>
        <BudgetCell k={k} />
      </td>
      <td class="actions">
        {k.revokedAt ? (
          <Badge tone="muted">revoked</Badge>
        ) : (
          <>
            {has('set_key_budget') && (
              <>
                <input
                  type="number"
                  min={0}
                  step={0.01}
                  class="narrow"
                  value={budget}
                  onInput={(e) => setBudget(e.currentTarget.value)}
                  aria-label="Budget USD"
                  placeholder="USD"
                />
                <select
                  value={period}
                  onChange={(e) => setPeriod(e.currentTarget.value as Period)}
                  aria-label="Budget period"
                >
                  <option value="day">/ day</option>
                  <option value="month">/ month</option>
                  <option value="total">total</option>
                </select>
                <button
                  type="button"
                  class="btn btn-small"
                  disabled={setKeyBudget.busy}
                  onClick={handler(async () => (await setKeyBudget.run()) && onChanged())}
                >
                  Set budget
                </button>
              </>
            )}
            <button
              type="button"
              class="btn btn-small btn-danger"
              disabled={revoke.busy}
              onClick={handler(async () => (await revoke.run()) && onChanged())}
            >
              Revoke
            </button>
          </>
        )}
        {error && <span class="error-inline">{error.message}</span>}
      </td>
    </tr>
  );
}

export function KeysPage() {
  const { client, can, has } = useSession();
  const [showRevoked, setShowRevoked] = useState(false);
  const keys = useTool(
    'list_api_keys',
    () => client.readContract('list_api_keys', { includeRevoked: showRevoked }),
    String(showRevoked),
    {
      enabled: can('admin'),
    },
  );
  if (!can('admin'))
    return (
      <>
        <PageHeader title="Keys & budgets" />
        <Panel title="Admin only">
          <p>Managing API keys needs a key with the admin scope.</p>
        </Panel>
      </>
    );
  return (
    <>
      <PageHeader title="Keys & budgets" lead="API keys, their scopes, and what each has spent against its budget." />
      <div class="grid">
        <Panel
          title="API keys"
          wide
          testId="keys-panel"
          actions={
            has('list_api_keys') && (
              <label class="check">
                <input
                  type="checkbox"
                  checked={showRevoked}
                  onChange={(e) => setShowRevoked(e.currentTarget.checked)}
                />{' '}
                show revoked
              </label>
            )
          }
        >
          {!has('list_api_keys') ? (
            <NotAvailable tool="list_api_keys" what="the API keys with their scopes and their spend against budget">
              <p>
                Until then, manage keys with <code>npm run keys -- create --name N --scopes a,b</code>,{' '}
                <code>list</code> and <code>revoke</code> (on PGlite, while the gateway is stopped).
              </p>
            </NotAvailable>
          ) : (
            <>
              {has('create_api_key') && <CreateKey onCreated={keys.reload} />}
              <ToolView state={keys.state} what="the API keys" onRetry={keys.reload}>
                {(r) =>
                  r.items.length === 0 ? (
                    <Empty>No API keys: the gateway runs open on loopback. Create one to require keys.</Empty>
                  ) : (
                    <div class="table-wrap">
                      <table data-testid="keys-table">
                        <thead>
                          <tr>
                            <th>Key</th>
                            <th>Scopes</th>
                            <th>Created</th>
                            <th>Last used</th>
                            <th>Spend against budget</th>
                            <th>Actions</th>
                          </tr>
                        </thead>
                        <tbody>
                          {r.items.map((k) => (
                            <KeyRow key={k.id} k={k} onChanged={keys.reload} />
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )
                }
              </ToolView>
            </>
          )}
        </Panel>
      </div>
    </>
  );
}
