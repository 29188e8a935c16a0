import { useState } from 'preact/hooks';
import { ToolCallError } from '../api/client';
import type {
  Layer,
  RoutingRule,
  UpdateRoutingHeuristicInput,
  UpdateRoutingHeuristicResult,
} from '../api/gateway-types';
import { useAction } from '../api/hooks';
import { useSession } from '../api/session';
import { Field, FormError } from '../components/ui';
import { handler } from '../lib/handler';

const LAYERS: Layer[] = ['fast', 'balanced', 'deep'];
const FIELDS = ['pattern', 'preferredLayer', 'preferredModel', 'priority', 'reasoning'];

function useSaveRule() {
  const { client } = useSession();
  return useAction((input: UpdateRoutingHeuristicInput) =>
    client.write<UpdateRoutingHeuristicResult>('update_routing_heuristic', input),
  );
}

/**
 * Creates a rule (no `rule`) or edits one. The pattern is the rule's key (the tool upserts by pattern),
 * so an existing rule's pattern is shown, not edited: a new pattern is a new rule.
 */
export function RuleEditor(props: { rule?: RoutingRule; models: string[]; onDone: (saved: boolean) => void }) {
  const r = props.rule;
  const [pattern, setPattern] = useState(r?.pattern ?? '');
  const [layer, setLayer] = useState<Layer>(r?.preferredLayer ?? 'balanced');
  const [model, setModel] = useState(r?.preferredModel ?? '');
  const [priority, setPriority] = useState(String(r?.priority ?? 0));
  const [reasoning, setReasoning] = useState(r?.metadata.reasoning ?? '');
  const [active, setActive] = useState(r?.active ?? true);
  const [pinned, setPinned] = useState(r?.pinned ?? false);
  const save = useSaveRule();
  const issue = (path: string) => (save.error instanceof ToolCallError ? save.error.issueFor(path) : undefined);
  const models = model && !props.models.includes(model) ? [...props.models, model] : props.models;

  const submit = async (e: Event) => {
    e.preventDefault();
    const input: UpdateRoutingHeuristicInput = {
      pattern: r ? r.pattern : pattern,
      preferredLayer: layer,
      preferredModel: model || null,
      priority: Number.parseInt(priority, 10),
      active,
      pinned,
    };
    if (reasoning.trim() || r?.metadata.reasoning) input.reasoning = reasoning.trim();
    if (await save.run(input)) {
      if (!r) {
        setPattern('');
        setReasoning('');
      }
      props.onDone(true);
    }
  };

  return (
    <form
      class={`inline-form${r ? ' rule-edit' : ' rule-new'}`}
      onSubmit={handler(submit)}
      data-testid={r ? 'rule-edit-form' : 'rule-new-form'}
    >
      {r ? (
        <div class="field">
          <span class="field-label">Pattern</span>
          <code class="pattern-fixed">{r.pattern}</code>
        </div>
      ) : (
        <Field label="New rule: pattern (RE2)" error={issue('pattern')}>
          <input
            class="mono"
            name="pattern"
            value={pattern}
            onInput={(e) => setPattern(e.currentTarget.value)}
            placeholder="\b(refactor|architecture)\b"
            spellcheck={false}
            required
          />
        </Field>
      )}
      <Field label="Layer" error={issue('preferredLayer')}>
        <select name="layer" value={layer} onChange={(e) => setLayer(e.currentTarget.value as Layer)}>
          {LAYERS.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
      </Field>
      <Field label="Model" error={issue('preferredModel')}>
        <select name="model" value={model} onChange={(e) => setModel(e.currentTarget.value)}>
          <option value="">layer's choice</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Priority" error={issue('priority')}>
        <input
          name="priority"
          type="number"
          step={1}
          value={priority}
          onInput={(e) => setPriority(e.currentTarget.value)}
          class="narrow"
        />
      </Field>
      <Field label="Reasoning" error={issue('reasoning')}>
        <input
          name="reasoning"
          value={reasoning}
          onInput={(e) => setReasoning(e.currentTarget.value)}
          placeholder="why this rule exists"
        />
      </Field>
      <label class="check">
        <input type="checkbox" name="active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />{' '}
        active
      </label>
      <label class="check">
        <input type="checkbox" name="pinned" checked={pinned} onChange={(e) => setPinned(e.currentTarget.checked)} />{' '}
        pinned
      </label>
      <div class="form-buttons">
        <button type="submit" class="btn btn-primary" disabled={save.busy || (!r && !pattern.trim())}>
          {r ? 'Save' : 'Add rule'}
        </button>
        {r && (
          <button type="button" class="btn btn-ghost" onClick={() => props.onDone(false)}>
            Cancel
          </button>
        )}
      </div>
      <FormError error={save.error} fields={FIELDS} />
    </form>
  );
}

/** Pin/unpin and activate/deactivate in one click, keeping the rest of the rule as it is. */
export function RuleQuickActions({ rule, onSaved }: { rule: RoutingRule; onSaved: () => void }) {
  const save = useSaveRule();
  const toggle = async (change: Partial<UpdateRoutingHeuristicInput>) => {
    if (await save.run({ pattern: rule.pattern, preferredLayer: rule.preferredLayer, ...change })) onSaved();
  };
  return (
    <>
      <button
        type="button"
        class="btn btn-small"
        disabled={save.busy}
        onClick={() => void toggle({ pinned: !rule.pinned })}
        data-testid="rule-pin"
      >
        {rule.pinned ? 'Unpin' : 'Pin'}
      </button>
      <button
        type="button"
        class="btn btn-small"
        disabled={save.busy}
        onClick={() => void toggle({ active: !rule.active })}
        data-testid="rule-activate"
      >
        {rule.active ? 'Deactivate' : 'Activate'}
      </button>
      {save.error && (
        <span class="error-inline" role="alert">
          {save.error.message}
        </span>
      )}
    </>
  );
}
