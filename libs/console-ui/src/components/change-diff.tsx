import type { OptimizerChange } from '../api/gateway-types';
import { fmtValue } from '../lib/format';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An array of objects (per-model figures, say): shown as a small table rather than JSON. */
function isRows(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every(isRecord);
}

function inline(v: Record<string, unknown>): string {
  return Object.entries(v)
    .map(([k, x]) => `${k} ${fmtValue(x)}`)
    .join(' · ');
}

function EvidenceRows({ title, rows }: { title: string; rows: Record<string, unknown>[] }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <table class="evidence-rows">
      <caption>{title}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} class={typeof rows[0][c] === 'number' ? 'num' : ''}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <td key={c} class={typeof r[c] === 'number' ? 'num' : 'mono'}>
                {isRecord(r[c]) ? inline(r[c]) : fmtValue(r[c])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Field-by-field before/after of one optimizer change; changed fields are marked. */
export function ChangeDiff({ change }: { change: OptimizerChange }) {
  const before = change.before;
  const after = change.after;
  const rows: { field: string; before: unknown; after: unknown }[] =
    isRecord(before) || isRecord(after)
      ? [
          ...new Set([...Object.keys(isRecord(before) ? before : {}), ...Object.keys(isRecord(after) ? after : {})]),
        ].map((field) => ({
          field,
          before: isRecord(before) ? before[field] : undefined,
          after: isRecord(after) ? after[field] : undefined,
        }))
      : [{ field: 'value', before, after }];
  const evidence = Object.entries(change.evidence ?? {});
  return (
    <div class="change" data-testid="optimizer-change">
      <div class="change-head">
        <span class="badge badge-info">{change.kind}</span> <span class="mono">{change.target}</span>
      </div>
      <table class="diff">
        <thead>
          <tr>
            <th>Field</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const changed = JSON.stringify(r.before) !== JSON.stringify(r.after);
            return (
              <tr key={r.field} class={changed ? 'changed' : ''}>
                <td>{r.field}</td>
                <td class="mono before">{fmtValue(r.before)}</td>
                <td class="mono after">{fmtValue(r.after)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {evidence.length > 0 && (
        <div class="evidence">
          <span class="evidence-title">Evidence</span>
          <dl>
            {evidence
              .filter(([, v]) => !isRows(v))
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd class="mono">{isRecord(v) ? inline(v) : fmtValue(v)}</dd>
                </div>
              ))}
          </dl>
          {evidence
            .filter(([, v]) => isRows(v))
            .map(([k, v]) => (
              <EvidenceRows key={k} title={k} rows={v as Record<string, unknown>[]} />
            ))}
        </div>
      )}
    </div>
  );
}
