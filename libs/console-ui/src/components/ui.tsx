import type { ComponentChildren } from 'preact';
import type { Loaded } from '../api/hooks';
import { ToolCallError } from '../api/client';
import { fmtAgo, fmtDateTime } from '../lib/format';

export function Panel(props: {
  title: string;
  subtitle?: ComponentChildren;
  actions?: ComponentChildren;
  wide?: boolean;
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <section class={`panel${props.wide ? ' panel-wide' : ''}`} data-testid={props.testId}>
      <header class="panel-head">
        <div>
          <h2>{props.title}</h2>
          {props.subtitle && <p class="panel-sub">{props.subtitle}</p>}
        </div>
        {props.actions && <div class="panel-actions">{props.actions}</div>}
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

/** The gateway does not have the tool this view needs: say so, never show made-up figures. */
export function NotAvailable(props: { tool: string; what: string; children?: ComponentChildren }) {
  return (
    <div class="not-available" data-testid="not-available" data-tool={props.tool}>
      <strong>Not available on this gateway yet</strong>
      <p>
        This panel shows {props.what}. It reads the <code>{props.tool}</code> tool, which this gateway does not provide
        yet, and fills in as soon as the gateway has it. Nothing is shown in its place.
      </p>
      {props.children}
    </div>
  );
}

export function ErrorNote(props: { error: Error; onRetry?: () => void }) {
  const status = props.error instanceof ToolCallError ? props.error.status : undefined;
  const forbidden = status === 403;
  return (
    <div class={`error-note${forbidden ? ' error-forbidden' : ''}`} role="alert" data-testid="error-note">
      <strong>
        {forbidden ? 'Not allowed with this key' : status ? `The gateway answered ${status}` : 'Request failed'}
      </strong>
      <p>{props.error.message}</p>
      {props.onRetry && !forbidden && (
        <button type="button" class="btn btn-small" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <div class="loading" aria-busy="true">
      Loading…
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return (
    <div class="empty" data-testid="empty">
      {props.children}
    </div>
  );
}

/** Renders a tool's state: loading, missing, error, or the data (kept on screen while it reloads). */
export function ToolView<T>(props: {
  state: Loaded<T>;
  what: string;
  onRetry?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  const s = props.state;
  if (s.status === 'missing') return <NotAvailable tool={s.tool} what={props.what} />;
  if (s.status === 'error')
    return (
      <>
        <ErrorNote error={s.error} onRetry={props.onRetry} />
        {s.data !== undefined && props.children(s.data)}
      </>
    );
  if (s.status === 'loading' && s.data === undefined) return <Loading />;
  return <>{props.children(s.data as T)}</>;
}

export function Badge(props: {
  tone?: 'ok' | 'warn' | 'bad' | 'info' | 'muted';
  children: ComponentChildren;
  title?: string;
}) {
  return (
    <span class={`badge badge-${props.tone ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Stat(props: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div class="stat" data-testid={props.testId}>
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.value}</div>
      {props.hint && <div class="stat-hint">{props.hint}</div>}
    </div>
  );
}

export function When(props: { iso: string | null | undefined }) {
  return <time title={fmtDateTime(props.iso)}>{fmtAgo(props.iso)}</time>;
}

export function Segmented<T extends string>(props: {
  value: T;
  options: readonly T[];
  onChange: (v: T) => void;
  label: string;
  labels?: Partial<Record<T, string>>;
}) {
  return (
    <div class="segmented" role="group" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          type="button"
          key={o}
          class={o === props.value ? 'active' : ''}
          aria-pressed={o === props.value}
          onClick={() => props.onChange(o)}
        >
          {props.labels?.[o] ?? o}
        </button>
      ))}
    </div>
  );
}

export function Field(props: { label: string; error?: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class={`field${props.error ? ' field-invalid' : ''}`}>
      <span class="field-label">{props.label}</span>
      {props.children}
      {props.error ? (
        <span class="field-error" role="alert" data-testid="field-error">
          {props.error}
        </span>
      ) : (
        props.hint && <span class="field-hint">{props.hint}</span>
      )}
    </label>
  );
}

/** The message of a failed write, unless it is shown beside a field already. */
export function FormError(props: { error: Error | null; fields?: string[] }) {
  if (!props.error) return null;
  const issues = props.error instanceof ToolCallError ? props.error.issues : [];
  const shownInline = issues.length > 0 && issues.every((i) => props.fields?.some((f) => i.path.startsWith(f)));
  if (shownInline) return null;
  return <ErrorNote error={props.error} />;
}
